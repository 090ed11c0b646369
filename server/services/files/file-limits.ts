import type { FileLimits } from '@bridge/files/types';
import type { Config } from '../../config';

/** The configured file limits (DESIGN §10) for LocalFilesystem: reads, uploads, archive extraction. */
export function fileLimits(config: Config): FileLimits {
  return {
    maxReadBytes: config.FILE_MAX_READ_BYTES,
    maxUploadBytes: config.FILE_MAX_UPLOAD_BYTES,
    maxExtractBytes: config.ARCHIVE_MAX_EXTRACT_BYTES,
  };
}
