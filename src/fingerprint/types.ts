import type { KeyFile } from './fingerprint-id.js';
import type { InstallerType } from './installers.js';
import type { Risk } from './risks.js';

export type Platform = 'win32' | 'win16' | 'dos' | 'web' | 'mac' | 'dvd-video' | 'unknown';
export type EngineId = 'director' | 'flash' | 'authorware' | 'toolbook' | 'clickteam' | 'mtropolis' | 'coktel' | 'vb' | 'html' | 'native' | 'unknown';
export type RunnerId = 'wine' | 'dosbox' | 'ruffle' | 'scummvm' | 'none';

export interface Engine {
  id: EngineId;
  version: string | null;
  /** Only for Flash. */
  as3?: boolean;
  evidence: string[];
}

export interface Entry {
  path: string;
  args: string[];
  from: 'autorun' | 'heuristic';
}

/** Where the SWF to play is: a bare file, or a byte range of a projector. */
export interface FlashMedia {
  path: string;
  offset: number;
  length: number;
  version: number;
  as3: boolean;
  width: number | null;
  height: number | null;
  background: string | null;
  /** The projector it was cut from, or the HTML page that embeds it. */
  container: { kind: 'projector' | 'html'; path: string } | null;
}

export interface Inspection {
  source: { kind: 'iso' | 'bin' | 'nrg' | 'folder' | 'device'; path: string };
  volume: {
    label: string | null;
    publisher: string | null;
    preparer: string | null;
    application: string | null;
    created: string | null;
    filesystems: string[];
    macName: string | null;
  };
  platform: Platform;
  engine: Engine;
  entry: Entry | null;
  installer: { type: InstallerType; path: string } | null;
  protection: string[];
  publisher: string | null;
  title: string | null;
  year: number | null;
  runner: RunnerId;
  risks: Risk[];
  fingerprint: { id: string; files: KeyFile[] };
  /** What the runners need beyond the contract above. */
  media: { flash: FlashMedia | null; startPage: string | null; icon: string | null; iconIndex: number };
  stats: { files: number; bytesRead: number; ms: number };
}
