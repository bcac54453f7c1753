export * from './column-types';
export * from './organization.entity';
export * from './user.entity';
export * from './membership.entity';
export * from './access-token.entity';
export * from './session.entity';
export * from './audit-event.entity';
