import { passwordOf, type ServerDatabase } from '@web/api/databases';

/**
 * The strings a game server or plugin is configured with. The password is part of them only when the viewer may see
 * it; user and password are URL-encoded (the generated passwords are URL-safe, an operator's remote may not be).
 */
export function connectionStrings(db: ServerDatabase): { jdbc: string; url: string } {
  const password = passwordOf(db);
  const auth = `${encodeURIComponent(db.username)}${password !== null ? `:${encodeURIComponent(password)}` : ''}`;
  const where = `${db.host.address}:${db.host.port}/${encodeURIComponent(db.name)}`;
  return { jdbc: `jdbc:mysql://${auth}@${where}`, url: `mysql://${auth}@${where}` };
}
