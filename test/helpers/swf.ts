import { inflateSync } from 'node:zlib';

/**
 * A copy of a real SWF with another background colour (SetBackgroundColor, tag 9), written
 * uncompressed: screenshots can then tell Ruffle's stage from everything else.
 */
export function swfWithBackground(swf: Buffer, rgb: [number, number, number]): Buffer {
  const sig = swf.toString('latin1', 0, 3);
  let body: Buffer;
  if (sig === 'FWS') body = Buffer.from(swf.subarray(8));
  else if (sig === 'CWS') body = inflateSync(swf.subarray(8));
  else throw new Error('LZMA SWFs are not patched here');
  const at = body.indexOf(Buffer.from([0x43, 0x02]));
  if (at < 0) throw new Error('no SetBackgroundColor tag');
  body[at + 2] = rgb[0];
  body[at + 3] = rgb[1];
  body[at + 4] = rgb[2];
  const head = Buffer.alloc(8);
  head.write('FWS', 0, 'latin1');
  head[3] = swf[3]!;
  head.writeUInt32LE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}
