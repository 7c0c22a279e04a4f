export { openDisc, openImageSource, type OpenOptions } from './open.js';
export type { Disc, DiscEntry, FsKind, SourceKind, VolumeInfo } from './types.js';
export { lookupKey } from './paths.js';
export { listWith7z, sevenZipBinary } from './sevenzip.js';
