import { z } from 'zod';

/** `POST /servers/{server}/migrations` (DESIGN §18): an SFTP source or an archive URL. */
export const sftpSourceBody = z.object({
  source: z.literal('sftp'),
  host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address'),
  port: z.coerce.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).max(191),
  password: z.string().min(1).max(1024).optional(),
  private_key: z.string().min(1).max(16_384).optional(),
  passphrase: z.string().min(1).max(1024).optional(),
  /** The remote directory (or single file) to copy; its contents land in the server's root. */
  path: z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'must not contain NUL bytes').default('.'),
  /** Pins the source's host key (`SHA256:…` as `ssh-keygen -l` prints it); unset → the key seen is recorded. */
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be an OpenSSH SHA256 fingerprint').optional(),
});

export const urlSourceBody = z.object({
  source: z.literal('url'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
  /** When given, the downloaded archive must have this SHA-256 (hex). */
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters').optional(),
});

export const migrationBody = z.discriminatedUnion('source', [sftpSourceBody, urlSourceBody]);
export type MigrationInput = z.infer<typeof migrationBody>;
export type SftpSourceInput = z.infer<typeof sftpSourceBody>;
export type UrlSourceInput = z.infer<typeof urlSourceBody>;

/** What is sealed with APP_KEY while the job runs. */
export interface SourceCredentials {
  readonly password?: string;
  readonly privateKey?: string;
  readonly passphrase?: string;
}
