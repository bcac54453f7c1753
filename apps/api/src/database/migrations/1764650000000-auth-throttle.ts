import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Failed-password counters of the auth throttle (rate-limiter-flexible store rows). */
export class AuthThrottle1764650000000 implements MigrationInterface {
  name = 'AuthThrottle1764650000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_throttle',
        columns: [
          { name: 'throttle_key', type: 'varchar', length: '80', isPrimary: true },
          { name: 'points', type: 'integer' },
          { name: 'expires_at', type: 'bigint', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'IDX_auth_throttle_expires', columnNames: ['expires_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('auth_throttle');
  }
}
