import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tree } from './images.js';
import { flashProjector, leExecutable, MINIMAL_CONSOLE, MINIMAL_GUI, mingwPe, nasmCom, withOverlay } from './programs.js';
import { CORPUS } from './tmp.js';

const corpus = (p: string) => readFileSync(join(CORPUS, p));

export interface Family {
  name: string;
  files: () => Tree;
  label: string;
  expect: {
    engine: string;
    version?: string | null;
    as3?: boolean;
    platform: string;
    runner: string;
    entry?: string | null;
    from?: 'autorun' | 'heuristic';
    installer?: string | null;
    protection?: string[];
    publisher?: string | null;
    title?: string | null;
    year?: number | null;
    risks?: string[];
  };
}

const autorun = (open: string) => `[autorun]\r\nopen=${open}\r\nicon=${open.split(' ')[0]},0\r\n`;
const HELLO_COM = 'org 0x100\nmov ah, 0x4c\nint 0x21\n';

/** One disc per engine family and platform that inspect recognises. */
export function families(): Family[] {
  const gui = () => readFileSync(mingwPe(MINIMAL_GUI, { gui: true }));
  const as1 = corpus('swf/v6_CWS_AS1_native_objects_swf6.swf');
  const as3 = corpus('swf/v9_CWS_AS3_swf_9_frame_script_button_order.swf');
  return [
    {
      name: 'Director 4 projector (16-bit) with movies',
      label: 'DIR4DISC',
      files: () => ({ 'AUTORUN.INF': autorun('START.EXE'), 'START.EXE': corpus('projector_director/D404win_RUNTESTS.EXE'), 'DATA/SHARED.DIR': corpus('director/D4win_SHARED.DIR') }),
      expect: { engine: 'director', version: '4.0.4', platform: 'win16', runner: 'wine', entry: 'START.EXE', from: 'autorun', risks: ['16-bit', '256-colours'] },
    },
    {
      name: 'Director projector with another extension behind a launcher (the Tivola case)',
      label: 'TIVOLA',
      files: () => ({ 'AUTORUN.INF': autorun('autorun.exe'), 'autorun.exe': gui(), 'Deutsch.dat': corpus('projector_director/D404win_RUNTESTS.EXE'), 'Xtras/FLASH.X32': 'xtra' }),
      expect: { engine: 'director', version: '4.0.4', platform: 'win32', runner: 'wine', entry: 'autorun.exe', from: 'autorun' },
    },
    {
      name: 'Director 10 movies and Xtras, no AUTORUN.INF',
      label: 'D10MOVIES',
      files: () => ({ 'MOVIES/MAIN.DIR': corpus('director/D10_DirWith_8_Shapes.dir'), 'MOVIES/IMAGES.CST': corpus('director/D10_ImgCast.cst'), 'Xtras/TEXTXTRA.X32': 'x', 'PROJ.EXE': gui() }),
      expect: { engine: 'director', version: '10', platform: 'win32', runner: 'wine', entry: 'PROJ.EXE', from: 'heuristic', risks: ['heuristic-entry'] },
    },
    {
      name: 'Flash projector, ActionScript 1',
      label: 'FLASHAS1',
      files: () => ({ 'AUTORUN.INF': autorun('JEU.EXE'), 'JEU.EXE': flashProjector(mingwPe(MINIMAL_GUI, { gui: true }), as1) }),
      expect: { engine: 'flash', version: '6', as3: false, platform: 'win32', runner: 'ruffle', entry: 'JEU.EXE', from: 'autorun' },
    },
    {
      name: 'Flash projector, ActionScript 3',
      label: 'FLASHAS3',
      files: () => ({ 'AUTORUN.INF': autorun('JEU.EXE'), 'JEU.EXE': flashProjector(mingwPe(MINIMAL_GUI, { gui: true }), as3) }),
      expect: { engine: 'flash', version: '9', as3: true, platform: 'win32', runner: 'wine', entry: 'JEU.EXE', risks: ['as3'] },
    },
    {
      name: 'HTML start page embedding a SWF (shellexecute)',
      label: 'WEBFLASH',
      files: () => ({
        'AUTORUN.INF': '[AutoRun]\r\nShellExecute = index.htm\r\n',
        'index.htm': '<html><head><title>Les saisons</title></head><body><object><param name="movie" value="anim/saisons.swf"><embed src="anim/saisons.swf"></object></body></html>',
        'anim/saisons.swf': corpus('swf/v7_CWS_AS2_extends_chain.swf'),
      }),
      expect: { engine: 'flash', version: '7', as3: false, platform: 'web', runner: 'ruffle', entry: 'index.htm', from: 'autorun', title: 'Les saisons' },
    },
    {
      name: 'HTML pages only',
      label: 'WEBONLY',
      files: () => ({ 'index.html': '<html><title>Atlas</title><body>Bonjour</body></html>', 'pages/a.html': '<p>a</p>' }),
      expect: { engine: 'html', platform: 'web', runner: 'ruffle', entry: 'index.html', from: 'heuristic' },
    },
    {
      name: 'Authorware (data appended to the runtime)',
      label: 'AUTHORW',
      files: () => ({ 'AUTORUN.INF': autorun('LECON.EXE'), 'LECON.EXE': withOverlay(mingwPe(MINIMAL_GUI, { gui: true }), Buffer.concat([Buffer.from('PCRS'), Buffer.from([0xaf, 0xbc, 0xad, 0xac]), Buffer.alloc(64)])), 'LECON.A5R': 'piece' }),
      expect: { engine: 'authorware', version: '5', platform: 'win32', runner: 'wine', entry: 'LECON.EXE' },
    },
    {
      name: 'ToolBook 3 (16-bit runtime and a book)',
      label: 'TOOLBOOK',
      files: () => ({ 'AUTORUN.INF': autorun('TB30RUN.EXE COURS.TBK'), 'TB30RUN.EXE': corpus('ne16/3DMM_MSINF16H.EXE'), 'COURS.TBK': 'book' }),
      expect: { engine: 'toolbook', version: '3.0', platform: 'win16', runner: 'wine', entry: 'TB30RUN.EXE', risks: ['16-bit'] },
    },
    {
      name: 'Clickteam (data appended to the program)',
      label: 'CLICK',
      files: () => ({ 'AUTORUN.INF': autorun('jeu.exe'), 'jeu.exe': withOverlay(mingwPe(MINIMAL_GUI, { gui: true }), Buffer.concat([Buffer.from('wwww'), Buffer.from([0x49, 0x87, 0x47, 0x12]), Buffer.from('PAMU'), Buffer.alloc(64)])) }),
      expect: { engine: 'clickteam', platform: 'win32', runner: 'wine', entry: 'jeu.exe' },
    },
    {
      name: 'mTropolis title',
      label: 'MTROPO',
      files: () => ({ 'AUTORUN.INF': autorun('PLAYER.EXE'), 'PLAYER.EXE': gui(), 'TITRE.MFW': 'mfw' }),
      expect: { engine: 'mtropolis', platform: 'win32', runner: 'wine', entry: 'PLAYER.EXE' },
    },
    {
      name: 'Coktel Vision (ScummVM gob)',
      label: 'ADIBOU',
      files: () => ({ 'INTRO.STK': 'stk', 'COMMUN.ITK': 'itk', 'ADI.EXE': readFileSync(nasmCom(HELLO_COM)) }),
      expect: { engine: 'coktel', platform: 'dos', runner: 'scummvm' },
    },
    {
      name: 'Visual Basic 3 (Win16)',
      label: 'VB3DISC',
      files: () => ({ 'AUTORUN.INF': autorun('MMCAT.EXE'), 'MMCAT.EXE': corpus('ne16/3DMM_MMCAT_VB3.EXE'), 'VBRUN300.DLL': 'dll' }),
      expect: { engine: 'vb', version: '3', platform: 'win16', runner: 'wine', entry: 'MMCAT.EXE', risks: ['16-bit'] },
    },
    {
      name: 'Visual Basic 6 (Win32)',
      label: 'VB6DISC',
      files: () => {
        const exe = mingwPe('#include <windows.h>\n__declspec(dllimport) int rtcMsgBox(void);\nint WINAPI WinMain(HINSTANCE a, HINSTANCE b, LPSTR c, int d) { return rtcMsgBox(); }\n', { gui: true, imports: [{ dll: 'MSVBVM60.DLL', symbols: ['rtcMsgBox'] }] });
        return { 'AUTORUN.INF': autorun('QUIZ.EXE'), 'QUIZ.EXE': readFileSync(exe) };
      },
      expect: { engine: 'vb', version: '6', platform: 'win32', runner: 'wine', entry: 'QUIZ.EXE' },
    },
    {
      name: 'plain Win16 program',
      label: 'WIN16',
      files: () => ({ 'AUTORUN.INF': autorun('MSINF16H.EXE'), 'MSINF16H.EXE': corpus('ne16/3DMM_MSINF16H.EXE') }),
      expect: { engine: 'native', platform: 'win16', runner: 'wine', entry: 'MSINF16H.EXE', risks: ['16-bit', '256-colours'] },
    },
    {
      name: 'plain Win32 program with its publisher in the version resource',
      label: 'RETZ_CE1',
      files: () => ({
        'AUTORUN.INF': autorun('LECTURE.EXE'),
        'LECTURE.EXE': readFileSync(mingwPe(MINIMAL_GUI, { gui: true, version: { CompanyName: 'Éditions Retz', ProductName: 'Lecture Facile CE1', LegalCopyright: '© 1998 Éditions Retz' } })),
      }),
      expect: { engine: 'native', platform: 'win32', runner: 'wine', entry: 'LECTURE.EXE', publisher: 'Éditions Retz', title: 'Lecture Facile CE1', year: 1998 },
    },
    {
      name: 'DOS program, no AUTORUN.INF',
      label: 'DOSJEU',
      files: () => ({ 'JEU.COM': readFileSync(nasmCom(HELLO_COM)), 'INSTALL.EXE': corpus('dos/v2.0_FC.EXE'), 'README.TXT': 'lisez-moi' }),
      expect: { engine: 'native', platform: 'dos', runner: 'dosbox', entry: 'JEU.COM', from: 'heuristic' },
    },
    {
      name: 'DOS extender (DOS/4GW, LE)',
      label: 'DOS4GW',
      files: () => ({ 'GAME.EXE': leExecutable() }),
      expect: { engine: 'native', platform: 'dos', runner: 'dosbox', entry: 'GAME.EXE', risks: ['dos-extender'] },
    },
    {
      name: 'DVD-Video only',
      label: 'DVDVIDEO',
      files: () => ({ 'VIDEO_TS/VIDEO_TS.IFO': Buffer.concat([Buffer.from('DVDVIDEO-VMG'), Buffer.alloc(2036)]), 'VIDEO_TS/VTS_01_1.VOB': Buffer.alloc(4096) }),
      expect: { engine: 'unknown', platform: 'dvd-video', runner: 'none', entry: null, risks: ['dvd-video'] },
    },
    {
      name: 'InstallShield setup launched by AUTORUN.INF',
      label: 'ISDISC',
      files: () => ({ 'AUTORUN.INF': autorun('SETUP.EXE'), 'SETUP.EXE': gui(), 'DATA1.CAB': Buffer.concat([Buffer.from('ISc('), Buffer.alloc(100)]), '_SETUP.DLL': 'x', 'PROG/JEU.EXE': gui() }),
      expect: { engine: 'native', platform: 'win32', runner: 'wine', entry: 'SETUP.EXE', installer: 'installshield', risks: ['installer-first'] },
    },
    {
      name: 'Inno Setup installer next to the program',
      label: 'INNODISC',
      files: () => ({ 'AUTORUN.INF': autorun('JEU.EXE'), 'JEU.EXE': gui(), 'setup.exe': withOverlay(mingwPe(MINIMAL_GUI, { gui: true }), Buffer.concat([Buffer.from('zlb\x1a'), Buffer.alloc(64)])) }),
      expect: { engine: 'native', platform: 'win32', runner: 'wine', entry: 'JEU.EXE', installer: 'inno' },
    },
    {
      name: 'SafeDisc and SecuROM files',
      label: 'PROTECT',
      files: () => ({ 'AUTORUN.INF': autorun('GAME.EXE'), 'GAME.EXE': gui(), '00000001.TMP': 'x', 'CLCD32.DLL': 'x', 'CMS16.DLL': 'x' }),
      expect: { engine: 'native', platform: 'win32', runner: 'wine', entry: 'GAME.EXE', protection: ['safedisc', 'securom'], risks: ['copy-protection'] },
    },
    {
      name: 'console Win32 program',
      label: 'CONSOLE',
      files: () => ({ 'AUTORUN.INF': autorun('TOOL.EXE'), 'TOOL.EXE': readFileSync(mingwPe(MINIMAL_CONSOLE)) }),
      expect: { engine: 'native', platform: 'win32', runner: 'wine', entry: 'TOOL.EXE' },
    },
  ];
}

export const AUTORUN_VARIANTS: Array<{ name: string; inf: string | Buffer; files: string[]; entry: string; args?: string[] }> = [
  { name: 'spaces around =', inf: '[autorun]\r\nopen = setup\\autorun.exe\r\n', files: ['SETUP/AUTORUN.EXE'], entry: 'SETUP/AUTORUN.EXE' },
  { name: 'quoted path with spaces and arguments', inf: '[autorun]\nopen="Mon Jeu\\Lancer Jeu.exe" /cd /fr\n', files: ['Mon Jeu/Lancer Jeu.exe'], entry: 'Mon Jeu/Lancer Jeu.exe', args: ['/cd', '/fr'] },
  { name: 'unquoted path with spaces', inf: '[autorun]\nopen=Mon Jeu\\Lancer Jeu.exe -x\n', files: ['Mon Jeu/Lancer Jeu.exe'], entry: 'Mon Jeu/Lancer Jeu.exe', args: ['-x'] },
  { name: 'forward slashes and lower-case keys', inf: '[AUTORUN]\nOPEN=bin/start.exe\nICON=bin/start.exe\n', files: ['BIN/START.EXE'], entry: 'BIN/START.EXE' },
  { name: 'no extension', inf: '[autorun]\nopen=lancer\n', files: ['LANCER.EXE'], entry: 'LANCER.EXE' },
  { name: 'shell\\open\\command only', inf: '[autorun]\nshell=play\nshell\\play=Jouer\nshell\\play\\command=JEU.EXE /go\n', files: ['JEU.EXE'], entry: 'JEU.EXE', args: ['/go'] },
  { name: 'first occurrence wins, comments ignored', inf: '; commentaire\n[autorun]\nopen=FIRST.EXE\nopen=SECOND.EXE\n', files: ['FIRST.EXE', 'SECOND.EXE'], entry: 'FIRST.EXE' },
  { name: 'UTF-16 file with a BOM', inf: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[autorun]\r\nopen=Élève.exe\r\n', 'utf16le')]), files: ['Élève.exe'], entry: 'Élève.exe' },
  { name: '.\\ prefix and ISO version suffix', inf: '[autorun]\nopen=.\\DATA\\PLAY.EXE;1\n', files: ['DATA/PLAY.EXE'], entry: 'DATA/PLAY.EXE' },
];
