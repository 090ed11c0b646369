import { crc32 } from 'node:zlib';

/**
 * Writes a stored (uncompressed) zip with exactly the entry names given, `../` included: archiver sanitises names,
 * so hostile archives are built byte by byte. `symlink` entries carry the unix mode 0120777 and the target as data.
 */
export function rawZip(entries: Array<{ name: string; data: string; symlink?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by unix, v3.0: external attributes carry a unix mode
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.symlink ? 0o120777 : 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A one-file ustar archive with exactly the entry name given (`../` included), written byte by byte as rawZip. */
export function rawTar(name: string, data: string): Buffer {
  const header = Buffer.alloc(512);
  const body = Buffer.from(data);
  const field = (value: string, at: number, length: number) => header.write(value.slice(0, length), at, length, 'utf8');
  const octal = (n: number, at: number, length: number) => field(`${n.toString(8).padStart(length - 1, '0')}\0`, at, length);
  field(name, 0, 100);
  octal(0o644, 100, 8); octal(0, 108, 8); octal(0, 116, 8); octal(body.length, 124, 12); octal(Math.floor(Date.now() / 1000), 136, 12);
  header.write('        ', 148, 8, 'utf8');
  header.write('0', 156, 1, 'utf8');
  header.write('ustar\u000000', 257, 8, 'utf8');
  let sum = 0;
  for (const b of header) sum += b;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}
