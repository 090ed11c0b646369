export * from './users';
export * from './servers';
export * from './credentials';
export * from './activity';
export * from './schedules';
export * from './jobs';
export * from './backups';
export * from './startup';
