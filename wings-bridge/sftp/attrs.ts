import type { Stats } from 'node:fs';
import type { Attributes, FileEntry } from 'ssh2';
import { modeString } from '@bridge/files/entries';

export function attrsOf(st: Stats): Attributes {
  return {
    mode: st.mode, uid: st.uid, gid: st.gid, size: st.size,
    atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An `ls -l` line, as OpenSSH's `ls -l` prints it. */
export function entryOf(name: string, st: Stats, owner: string): FileEntry {
  const d = st.mtime;
  const when = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const longname = `${modeString(st)} 1 ${owner} ${owner} ${String(st.size).padStart(8)} ${when} ${name}`;
  return { filename: name, longname, attrs: attrsOf(st) };
}
