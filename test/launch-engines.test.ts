import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectPath } from '../src/fingerprint/inspect.js';
import { parseDetect } from '../src/runners/scummvm.js';
import { buildIso, writeTree } from './helpers/images.js';
import { cli, decodePng, userEnv } from './helpers/launch.js';
import { dosProbe, flashProjector, mingwPe, MINIMAL_GUI } from './helpers/programs.js';
import { swfWithBackground } from './helpers/swf.js';
import { CORPUS, tempDir } from './helpers/tmp.js';

const base = tempDir('discrun-engines-');
const env = userEnv(base);
const corpus = (p: string) => readFileSync(join(CORPUS, p));

function disc(name: string, files: Record<string, string | Buffer>, label = name.toUpperCase().replace(/\W/g, '_').slice(0, 16)) {
  const dir = join(base, `src-${name}`);
  writeTree(dir, files);
  return { dir, iso: buildIso(dir, join(base, `${name}.iso`), { label }) };
}

async function stateOf(kind: string, path: string): Promise<string> {
  return join(base, 'data', 'discrun', kind, (await inspectPath(path, 'fr')).fingerprint.id);
}

describe('DOSBox', () => {
  it('runs a DOS program from the disc (an image mounted with imgmount): it reads D: and writes to C:, and the saves persist', async () => {
    const d = disc('dos', { 'JEU.COM': readFileSync(dosProbe()), 'DATA/HELLO.TXT': 'Bonjour de DOS\r\n' });
    const c = await stateOf('dosbox', d.iso);
    const r = cli(['launch', '--json', d.iso], env);
    expect(r.json, r.stderr).toMatchObject({ outcome: 'exited', exitCode: 0, runner: 'dosbox', profile: 'dos', prefix: c });
    expect(readFileSync(join(c, 'MARKER.TXT'), 'latin1')).toBe('Bonjour de DOS\r\n');
    expect(readFileSync(join(c, 'COUNT.TXT'), 'latin1')).toBe('1');
    expect(readFileSync(r.json.log as string, 'utf8')).toMatch(/imgmount|Redirect|DOSBox/i);
    cli(['launch', '--json', d.iso], env);
    expect(readFileSync(join(c, 'COUNT.TXT'), 'latin1')).toBe('2');
  });

  it('a folder is mounted as a CD-ROM, and a missing program is a failure even though DOSBox exits 0', async () => {
    const d = disc('dosfolder', { 'JEU.COM': readFileSync(dosProbe()), 'DATA/HELLO.TXT': 'Dossier\r\n' });
    const r = cli(['launch', '--json', d.dir], env);
    expect(r.json).toMatchObject({ outcome: 'exited', runner: 'dosbox' });
    expect(readFileSync(join(await stateOf('dosbox', d.dir), 'MARKER.TXT'), 'latin1')).toBe('Dossier\r\n');
    const profile = join(base, 'missing.yaml');
    writeFileSync(profile, 'kind: title\nid: dos-missing\ntitle: X\nrunner: dosbox\nmatch:\n  files: [{ path: JEU.COM }]\nentry: { path: ABSENT.EXE }\nstatus: untested\n');
    const m = cli(['launch', '--json', '--profile', profile, d.iso], env);
    expect(m.json).toMatchObject({ outcome: 'crashed', runner: 'dosbox' });
    expect(m.status).not.toBe(0);
  });

  it('installs once to C: then launches the installed program', async () => {
    const d = disc('dosinstall', { 'INSTALL.BAT': '@echo off\r\n', 'SRC/JEU.COM': readFileSync(dosProbe()), 'DATA/HELLO.TXT': 'Installe\r\n' });
    const profile = join(base, 'install.yaml');
    writeFileSync(profile, `kind: title
id: dos-install
title: Installed
runner: dosbox
match:
  files: [{ path: SRC/JEU.COM }]
dosbox:
  cycles: max
  install:
    - 'mkdir c:\\JEU'
    - 'copy d:\\SRC\\JEU.COM c:\\JEU\\JEU.COM'
    - 'echo installe>> c:\\INSTALL.LOG'
  run: 'C:\\JEU\\JEU.COM'
status: untested
`);
    const c = await stateOf('dosbox', d.iso);
    expect(cli(['launch', '--json', '--profile', profile, d.iso], env).json.outcome).toBe('exited');
    expect(cli(['launch', '--json', '--profile', profile, d.iso], env).json.outcome).toBe('exited');
    expect(existsSync(join(c, 'JEU', 'JEU.COM'))).toBe(true);
    expect(readFileSync(join(c, 'INSTALL.LOG'), 'latin1').trim().split(/\r?\n/)).toHaveLength(1);
    expect(readFileSync(join(c, 'COUNT.TXT'), 'latin1')).toBe('2');
    expect(readFileSync(join(c, 'MARKER.TXT'), 'latin1')).toBe('Installe\r\n');
  });

  it('a program still waiting at the timeout ran; the screenshot shows DOSBox’s window', () => {
    const d = disc('doswait', { 'JEU.COM': readFileSync(dosProbe(true)), 'DATA/HELLO.TXT': 'x' });
    const shot = join(base, 'dos.png');
    const r = cli(['launch', '--json', '--timeout', '4', '--screenshot', shot, d.iso], env);
    expect(r.json).toMatchObject({ outcome: 'ran', runner: 'dosbox', screenshot: shot });
    const png = decodePng(readFileSync(shot));
    let lit = 0;
    for (let y = 0; y < 400; y += 2) for (let x = 0; x < 640; x += 2) if (png.pixel(x, y).some((v) => v > 100)) lit++;
    expect(lit).toBeGreaterThan(50); // DOS text on the window
  });
});

describe('Ruffle (Flash) in Chromium', () => {
  const stage = (shot: string, x = 40, y = 40) => decodePng(readFileSync(shot)).pixel(x, y);

  it('plays a real ActionScript 1 SWF from the corpus: Ruffle loads it and draws its stage', () => {
    const d = disc('as1', { 'ANIM.SWF': corpus('swf/v5_FWS_AS1_tell_target.swf') });
    const shot = join(base, 'as1.png');
    const r = cli(['launch', '--json', '--timeout', '8', '--screenshot', shot, d.iso], env);
    expect(r.json, r.stderr).toMatchObject({ outcome: 'ran', runner: 'ruffle' });
    const log = readFileSync(r.json.log as string, 'utf8');
    expect(log).toMatch(/discrun-ruffle loaded ms=\d+ size=550x400 swf=5/);
    expect(stage(shot)).toEqual([255, 255, 255]); // the SWF's white stage…
    expect(stage(shot, 900, 700)).toEqual([0, 0, 0]); // …and nothing beyond its 550×400
  });

  it('plays a real ActionScript 2 SWF (background recoloured to tell it apart)', () => {
    const d = disc('as2', { 'COURS.SWF': swfWithBackground(corpus('swf/v7_FWS_AS2_string_coercion.swf'), [255, 128, 0]) });
    const shot = join(base, 'as2.png');
    const r = cli(['launch', '--json', '--timeout', '8', '--screenshot', shot, d.iso], env);
    expect(r.json.runner).toBe('ruffle');
    expect(readFileSync(r.json.log as string, 'utf8')).toMatch(/discrun-ruffle loaded .* swf=7/);
    expect(stage(shot)).toEqual([255, 128, 0]);
  });

  it('plays the SWF cut out of a Flash projector .exe', () => {
    const swf = swfWithBackground(corpus('swf/v6_CWS_AS1_native_objects_swf6.swf'), [0, 96, 255]);
    const d = disc('projector', { 'AUTORUN.INF': '[autorun]\r\nopen=JEU.EXE\r\n', 'JEU.EXE': flashProjector(mingwPe(MINIMAL_GUI, { gui: true }), swf) });
    const shot = join(base, 'projector.png');
    const r = cli(['launch', '--json', '--timeout', '8', '--screenshot', shot, d.iso], env);
    expect(r.json).toMatchObject({ outcome: 'ran', runner: 'ruffle', profile: 'flash-as12' });
    expect(stage(shot)).toEqual([0, 96, 255]);
  });

  it('shows an HTML start page and plays the SWF it embeds, served only from the disc', () => {
    const swf = swfWithBackground(corpus('swf/v8_CWS_AS2_focus_mouse.swf'), [0, 160, 80]);
    const d = disc('web', {
      'AUTORUN.INF': '[autorun]\r\nshellexecute=index.htm\r\n',
      'index.htm': '<html><head><title>Saisons</title></head><body style="margin:0;background:#402000"><embed src="Anim/Saisons.swf" width="400" height="300"></body></html>',
      'ANIM/SAISONS.SWF': swf,
    });
    const shot = join(base, 'web.png');
    const r = cli(['launch', '--json', '--timeout', '10', '--screenshot', shot, d.iso], env);
    expect(r.json).toMatchObject({ outcome: 'ran', runner: 'ruffle', profile: 'flash-html' });
    expect(stage(shot, 200, 150)).toEqual([0, 160, 80]); // the embedded movie
    expect(stage(shot, 600, 500)).toEqual([0x40, 0x20, 0x00]); // the page around it
  });

  it('shows an HTML-only disc (no Flash) in the same offline browser window', () => {
    const d = disc('html', { 'index.html': '<html><head><title>Atlas</title></head><body style="margin:0;background:#123456"><h1 style="color:#fff">Atlas</h1></body></html>', 'pages/a.html': '<p>a</p>' });
    const shot = join(base, 'html.png');
    const r = cli(['launch', '--json', '--timeout', '6', '--screenshot', shot, d.iso], env);
    expect(r.json).toMatchObject({ outcome: 'ran', runner: 'ruffle', profile: 'html' });
    expect(stage(shot, 600, 500)).toEqual([0x12, 0x34, 0x56]);
  });

  it('an ActionScript 3 projector whose profile prefers Wine runs the original projector, and says so', () => {
    const d = disc('as3', { 'AUTORUN.INF': '[autorun]\r\nopen=JEU.EXE\r\n', 'JEU.EXE': flashProjector(mingwPe(MINIMAL_GUI, { gui: true, arch: 'x86_64' }), corpus('swf/v9_FWS_AS3_flash_trace.swf')) });
    const profile = join(base, 'as3.yaml');
    writeFileSync(profile, 'kind: title\nid: as3-prefers-wine\ntitle: AS3\nrunner: ruffle\nmatch:\n  files: [{ path: JEU.EXE }]\nruffle:\n  preferWine: true\nstatus: untested\n');
    const r = cli(['launch', '--json', '--profile', profile, d.iso], env);
    expect(r.json).toMatchObject({ runner: 'wine', outcome: 'exited', fallback: { from: 'ruffle' } });
    expect(r.json.message).toMatch(/^ruffle → wine/);
  });
});

describe('ScummVM', () => {
  it('parses scummvm --detect: known targets, and guesses that are only unknown variants', () => {
    const out = 'GameID   Description   Full Path\n------------------------------ ---------------------- ----------\ngob:gob2                       Gobliins 2 (unknown/DOS)                                   /x\n';
    expect(parseDetect(out)).toMatchObject({ targets: [{ id: 'gob:gob2', description: 'Gobliins 2 (unknown/DOS)' }], unknownVariant: true });
    expect(parseDetect('nothing here').targets).toEqual([]);
  });

  it('runs ScummVM’s own detection on a Coktel disc it does not know, and falls back to DOSBox, saying so', async () => {
    const d = disc('coktel', { 'INTRO.STK': 'not really a Coktel archive', 'COMMUN.ITK': 'x', 'ADI.COM': readFileSync(dosProbe()), 'DATA/HELLO.TXT': 'Adi\r\n' });
    const r = cli(['launch', '--json', d.iso], env);
    expect(r.json, r.stderr).toMatchObject({ runner: 'dosbox', outcome: 'exited', profile: 'coktel-dos', fallback: { from: 'scummvm', reason: expect.stringMatching(/ScummVM does not know this disc.*Gobliins/) } });
    expect(readFileSync(join(await stateOf('dosbox', d.iso), 'MARKER.TXT'), 'latin1')).toBe('Adi\r\n');
  });

  it('runs a Director projector in ScummVM’s director engine when a profile names it', () => {
    const d = disc('scummdir', { 'RUNTESTS.EXE': corpus('projector_director/D404win_RUNTESTS.EXE'), 'SHARED.DIR': corpus('director/D4win_SHARED.DIR') });
    const profile = join(base, 'scumm.yaml');
    writeFileSync(profile, 'kind: title\nid: scummvm-director\ntitle: Director tests\nrunner: scummvm\nmatch:\n  files: [{ path: RUNTESTS.EXE }]\nscummvm:\n  gameId: director\nstatus: untested\n');
    const r = cli(['launch', '--json', '--profile', profile, '--timeout', '6', d.iso], env);
    expect(r.json, r.stderr).toMatchObject({ runner: 'scummvm', outcome: 'ran' });
    expect(readFileSync(r.json.log as string, 'utf8')).toMatch(/Director v404/);
    expect(existsSync(join(r.json.prefix as string, 'saves'))).toBe(true);
  });
});
