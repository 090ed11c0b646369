export * from './users';
export * from './servers';
export * from './credentials';
export * from './activity';
export * from './passkeys';
