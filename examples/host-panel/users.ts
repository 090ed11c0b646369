import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import mysql, { type Pool, type RowDataPacket } from 'mysql2/promise';

/** The host panel's own user table: Cohost never reads it; the host names its users to Cohost in a signed JWT. */
export interface HostUser { readonly id: number; readonly email: string; readonly name: string; readonly isAdmin: boolean }

export class HostUsers {
  private constructor(private readonly pool: Pool) {}

  static async open(databaseUrl: string): Promise<HostUsers> {
    const pool = mysql.createPool(databaseUrl);
    await pool.query(`CREATE TABLE IF NOT EXISTS host_users (
      id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, email VARCHAR(191) NOT NULL UNIQUE, name VARCHAR(191) NOT NULL,
      password_hash VARCHAR(255) NOT NULL, is_admin BOOLEAN NOT NULL DEFAULT FALSE)`);
    return new HostUsers(pool);
  }

  async add(user: { email: string; name: string; password: string; isAdmin?: boolean }): Promise<HostUser> {
    const salt = randomBytes(16).toString('hex');
    const hash = `${salt}:${scryptSync(user.password, salt, 32).toString('hex')}`;
    const [result] = await this.pool.query('INSERT INTO host_users (email, name, password_hash, is_admin) VALUES (?, ?, ?, ?)',
      [user.email, user.name, hash, user.isAdmin ?? false]);
    return { id: (result as { insertId: number }).insertId, email: user.email, name: user.name, isAdmin: user.isAdmin ?? false };
  }

  async verify(email: string, password: string): Promise<HostUser | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT * FROM host_users WHERE email = ?', [email]);
    const row = rows[0];
    if (!row) return null;
    const [salt, hash] = String(row.password_hash).split(':');
    const ok = timingSafeEqual(Buffer.from(hash!, 'hex'), scryptSync(password, salt!, 32));
    return ok ? { id: row.id as number, email: row.email as string, name: row.name as string, isAdmin: Boolean(row.is_admin) } : null;
  }

  close(): Promise<void> { return this.pool.end(); }
}
