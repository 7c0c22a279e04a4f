/** What a disc reader offers, whatever the disc came from. */

export type SourceKind = 'iso' | 'bin' | 'nrg' | 'folder' | 'device' | 'archive';
export type FsKind = 'iso9660' | 'joliet' | 'rockridge' | 'udf' | 'hfs' | 'hfsplus' | 'apm' | 'eltorito';

export interface DiscEntry {
  /** Path on the disc with `/` separators and no leading slash, as the disc spells it. */
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly isDir: boolean;
  readonly mtime: Date | null;
}

export interface VolumeInfo {
  label: string | null;
  publisher: string | null;
  preparer: string | null;
  application: string | null;
  systemId: string | null;
  volumeSetId: string | null;
  created: Date | null;
  modified: Date | null;
  filesystems: FsKind[];
  /** Name of the Mac (HFS) side of the disc, when there is one. */
  macName: string | null;
  /** True when only a Mac filesystem is present: Windows software cannot be on it. */
  macOnly: boolean;
  /**
   * The volume serial Windows reports for this disc: a byte-wise checksum of the volume descriptor
   * Windows reads (Joliet's when present); NT and 9x order its bytes differently.
   */
  cdSerial: { nt: number; win9x: number } | null;
  /** The filesystem whose tree `list()` shows (Joliet on most PC discs). */
  listedWith: FsKind | null;
  /** Bytes in the logical volume (image size for images). */
  sizeBytes: number;
}

export interface DiscSource {
  readonly kind: SourceKind;
  readonly path: string;
  /** Where the desktop mounted a physical disc, when it was opened through its device. */
  readonly mountPoint?: string;
}

export interface Disc {
  readonly source: DiscSource;
  readonly volume: VolumeInfo;
  /** Every entry of the tree, parents before children, siblings in disc order. */
  list(): Promise<DiscEntry[]>;
  readdir(path: string): Promise<DiscEntry[]>;
  /** Case-insensitive, tolerant of `;1`, trailing dots, `\` and `/`. Null when absent. */
  stat(path: string): Promise<DiscEntry | null>;
  /** Reads [offset, offset+length) of a file, clipped to its size. Reads only the sectors needed. */
  read(path: string, offset: number, length: number): Promise<Buffer>;
  /** Bytes read from the underlying medium so far (for benchmarks and budgets). */
  readonly bytesRead: number;
  close(): Promise<void>;
}
