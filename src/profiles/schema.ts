import { z } from 'zod';

/**
 * The profile format. Profiles are data: one YAML file per title or engine family, checked by
 * this schema (and by the JSON Schema generated from it, profiles/schema.json, for editors).
 */

const ENGINES = ['director', 'flash', 'authorware', 'toolbook', 'clickteam', 'mtropolis', 'coktel', 'vb', 'html', 'native', 'unknown'] as const;
const PLATFORMS = ['win32', 'win16', 'dos', 'web', 'mac', 'dvd-video', 'unknown'] as const;
export const STATUSES = ['gold', 'silver', 'bronze', 'broken', 'untested'] as const;
export const OUTCOMES = ['exited', 'ran', 'crashed', 'refused'] as const;

const md5 = z.string().regex(/^[0-9a-f]{32}$/, 'an MD5 is 32 lower-case hex digits');
const discPath = z
  .string()
  .min(1)
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'a path on the disc cannot contain ..')
  .describe('Path on the disc, any case, with \\ or /');

const FileRule = z
  .object({
    path: discPath,
    size: z.number().int().nonnegative().optional().describe('Exact size in bytes'),
    md5: md5.optional().describe('MD5 of the first 5000 bytes (as ScummVM detection tables)'),
    tailMd5: md5.optional().describe('MD5 of the last 5000 bytes (projectors share their head)'),
  })
  .strict();

const VersionBand = z
  .object({
    min: z.string().regex(/^\d+(\.\d+)*$/).optional(),
    max: z.string().regex(/^\d+(\.\d+)*$/).optional(),
  })
  .strict()
  .describe('Inclusive range of engine versions, e.g. {min: "4", max: "6.5"}');

const TitleMatch = z
  .object({
    label: z.string().min(1).optional().describe('Volume label, compared without regard to case'),
    files: z.array(FileRule).min(1).optional(),
    fingerprints: z.array(z.string().regex(/^dr1-[0-9a-f]{24}$/)).min(1).optional().describe('Fingerprint ids from discrun inspect'),
  })
  .strict()
  .refine((m) => m.files || m.fingerprints, 'a title profile matches on files or fingerprints (a label alone is too weak)');

const EngineMatch = z
  .object({
    engine: z.array(z.enum(ENGINES)).min(1).optional(),
    platform: z.array(z.enum(PLATFORMS)).min(1).optional(),
    version: VersionBand.optional(),
    as3: z.boolean().optional(),
    risks: z.array(z.string().regex(/^[a-z0-9-]+$/)).min(1).optional().describe('Risk ids that must all be reported, e.g. dos-extender'),
  })
  .strict()
  .refine((m) => m.engine || m.platform, 'an engine profile names an engine or a platform');

const WindowsVersion = z.enum(['win31', 'win95', 'win98', 'winme', 'nt40', 'win2k', 'winxp', 'vista', 'win7', 'win10']);

const WineOptions = z
  .object({
    arch: z.enum(['win32', 'win64']).default('win32').describe('Prefix architecture; 16-bit programs need win32'),
    windowsVersion: WindowsVersion.optional().describe('Windows version Wine reports'),
    desktop: z.string().regex(/^\d{3,4}x\d{3,4}$/).optional().describe('Virtual desktop size, e.g. 640x480 for 256-colour titles'),
    dllOverrides: z.record(z.string().regex(/^[\w.-]+$/), z.enum(['native', 'builtin', 'native,builtin', 'builtin,native', 'disabled'])).optional(),
    registry: z
      .array(
        z
          .object({
            key: z.string().regex(/^(HKCU|HKLM|HKEY_CURRENT_USER|HKEY_LOCAL_MACHINE)\\/),
            name: z.string().optional().describe('Value name; omit for the default value'),
            type: z.enum(['REG_SZ', 'REG_DWORD', 'REG_EXPAND_SZ', 'REG_BINARY', 'REG_MULTI_SZ']).default('REG_SZ'),
            value: z.union([z.string(), z.number()]),
          })
          .strict(),
      )
      .optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
    install: z
      .array(
        z
          .object({
            run: z.string().min(1).describe('Program to run, on the disc (D:\\…) or in C:'),
            args: z.array(z.string()).default([]),
            timeout: z.number().positive().max(3600).default(600).describe('Seconds before the step is stopped'),
          })
          .strict(),
      )
      .optional()
      .describe('Steps run once, the first time the disc is launched'),
    run: z.string().optional().describe('Program to launch after installation, e.g. C:\\Program Files\\Titre\\TITRE.EXE'),
  })
  .strict();

const DosboxOptions = z
  .object({
    cycles: z.union([z.literal('auto'), z.literal('max'), z.number().int().positive()]).default('auto'),
    memory: z.number().int().min(1).max(63).default(16).describe('MB of memory'),
    machine: z.enum(['svga_s3', 'vgaonly', 'ega', 'cga', 'tandy', 'hercules', 'svga_et4000', 'svga_paradise', 'vesa_nolfb']).default('svga_s3'),
    autoexec: z.array(z.string()).optional().describe('Lines run before the program'),
    install: z.array(z.string()).optional().describe('DOS lines run once to install to C:'),
    run: z.string().optional().describe('Program to run after installation, e.g. C:\\JEU\\JEU.EXE'),
  })
  .strict();

const RuffleOptions = z
  .object({
    scale: z.enum(['showAll', 'exactFit', 'noBorder', 'noScale']).default('showAll'),
    quality: z.enum(['low', 'medium', 'high', 'best']).default('high'),
    swf: discPath.optional().describe('SWF to play instead of the detected one'),
    preferWine: z.boolean().default(false).describe('Use Wine with the original projector (for AS3 titles)'),
  })
  .strict();

const ScummvmOptions = z
  .object({
    gameId: z.string().regex(/^[\w:-]+$/).optional().describe('ScummVM target or engine id; detected when omitted'),
    fallback: z.enum(['wine', 'dosbox', 'none']).default('wine').describe('Runner to use when ScummVM does not recognise the disc'),
  })
  .strict();

const Verified = z
  .object({
    date: z.string().regex(/^\d{4}-\d\d-\d\d/),
    discrun: z.string(),
    runner: z.enum(['wine', 'dosbox', 'ruffle', 'scummvm']),
    runnerVersion: z.string().nullable().optional(),
    result: z.enum(OUTCOMES),
    note: z.string().optional(),
    screenshot: z.string().optional(),
  })
  .strict();

const Common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, 'ids are lower-case words joined by -'),
  title: z.string().min(1),
  publisher: z.string().min(1).optional(),
  year: z.number().int().min(1980).max(2030).optional(),
  language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional().describe('Language of the title, e.g. fr'),
  runner: z.enum(['wine', 'dosbox', 'ruffle', 'scummvm']),
  wine: WineOptions.optional(),
  dosbox: DosboxOptions.optional(),
  ruffle: RuffleOptions.optional(),
  scummvm: ScummvmOptions.optional(),
  entry: z
    .object({ path: discPath, args: z.array(z.string()).default([]) })
    .strict()
    .optional()
    .describe('Program to launch instead of the detected one'),
  status: z.enum(STATUSES).describe('gold: perfect; silver: minor issues; bronze: usable with issues; broken; untested'),
  verified: z.array(Verified).default([]),
  note: z
    .object({ fr: z.string().max(300), en: z.string().max(300).optional() })
    .strict()
    .optional()
    .describe('One short sentence for teachers'),
};

export const TitleProfile = z.object({ kind: z.literal('title'), ...Common, match: TitleMatch }).strict();
export const EngineProfile = z.object({ kind: z.literal('engine'), ...Common, match: EngineMatch }).strict();
export const Profile = z.discriminatedUnion('kind', [TitleProfile, EngineProfile]);

export type Profile = z.infer<typeof Profile>;
export type TitleProfile = z.infer<typeof TitleProfile>;
export type EngineProfile = z.infer<typeof EngineProfile>;
export type Status = (typeof STATUSES)[number];
export type WineOptions = z.infer<typeof WineOptions>;
export type DosboxOptions = z.infer<typeof DosboxOptions>;
export type RuffleOptions = z.infer<typeof RuffleOptions>;
export type ScummvmOptions = z.infer<typeof ScummvmOptions>;
export type VerifiedRecord = z.infer<typeof Verified>;

export function profileJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://discrun.invalid/profile.schema.json',
    title: 'discrun profile',
    ...z.toJSONSchema(Profile, { io: 'input', unrepresentable: 'any' }),
  };
}
