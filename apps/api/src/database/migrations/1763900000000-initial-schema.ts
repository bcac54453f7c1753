import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Written with TypeORM's schema builder so one migration serves SQLite and MySQL/MariaDB alike
 * (the only dialect difference is how a boolean default is written).
 * Index and foreign-key names match the entities' explicit names (schema check in
 * database/schema-check.ts).
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const createdAt: TableColumnOptions = { name: 'created_at', type: 'datetime' };
const userId: TableColumnOptions = { name: 'user_id', type: 'integer' };
const orgId: TableColumnOptions = { name: 'org_id', type: 'integer' };

function fk(name: string, column: string, table: string): TableForeignKey {
  return new TableForeignKey({ name, columnNames: [column], referencedTableName: table, referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' });
}

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Booleans: SQLite keeps the declared type; MySQL/MariaDB store tinyint, as TypeORM maps the entities.
    const sqlite = queryRunner.connection.options.type === 'better-sqlite3';
    const flag = (name: string, value: boolean): TableColumnOptions => ({ name, type: sqlite ? 'boolean' : 'tinyint', default: Number(value) });
    await queryRunner.createTable(
      new Table({
        name: 'organization',
        columns: [id, { name: 'slug', type: 'varchar', length: '64' }, createdAt],
        indices: [new TableIndex({ name: 'UQ_organization_slug', columnNames: ['slug'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user',
        columns: [
          id,
          { name: 'username', type: 'varchar', length: '64' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          flag('is_admin', false),
          flag('disabled', false),
          createdAt,
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [new TableIndex({ name: 'UQ_user_username', columnNames: ['username'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'membership',
        columns: [id, userId, orgId, { name: 'roles', type: 'text' }, createdAt],
        indices: [
          new TableIndex({ name: 'UQ_membership_user_org', columnNames: ['user_id', 'org_id'], isUnique: true }),
          new TableIndex({ name: 'IDX_membership_org', columnNames: ['org_id'] }),
        ],
        foreignKeys: [fk('FK_membership_user', 'user_id', 'user'), fk('FK_membership_org', 'org_id', 'organization')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'access_token',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          userId,
          orgId,
          { name: 'name', type: 'varchar', length: '128' },
          { name: 'roles', type: 'text' },
          { name: 'nonce', type: 'varchar', length: '64' },
          createdAt,
          { name: 'expires_at', type: 'datetime', isNullable: true },
          { name: 'last_used_at', type: 'datetime', isNullable: true },
          { name: 'rotated_at', type: 'datetime', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'IDX_access_token_org_user', columnNames: ['org_id', 'user_id'] })],
        foreignKeys: [fk('FK_access_token_user', 'user_id', 'user'), fk('FK_access_token_org', 'org_id', 'organization')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'session',
        columns: [
          { name: 'id_hash', type: 'varchar', length: '64', isPrimary: true },
          userId,
          createdAt,
          { name: 'expires_at', type: 'datetime' },
        ],
        indices: [new TableIndex({ name: 'IDX_session_user', columnNames: ['user_id'] })],
        foreignKeys: [fk('FK_session_user', 'user_id', 'user')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          id,
          { name: 'org', type: 'varchar', length: '64', isNullable: true },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'token_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'actor', type: 'varchar', length: '200' },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'resource', type: 'varchar', length: '300' },
          { name: 'result', type: 'varchar', length: '16' },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
          createdAt,
        ],
        indices: [new TableIndex({ name: 'IDX_audit_event_org_time', columnNames: ['org', 'created_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'package',
        columns: [
          id,
          orgId,
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'normalized_name', type: 'varchar', length: '255' },
          flag('private', true),
          { name: 'permission_mode', type: 'varchar', length: '16', default: "'standard'" },
          { name: 'metadata', type: 'text' },
          createdAt,
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [new TableIndex({ name: 'UQ_package_org_type_name', columnNames: ['org_id', 'type', 'normalized_name'], isUnique: true })],
        foreignKeys: [fk('FK_package_org', 'org_id', 'organization')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'package_version',
        columns: [
          id,
          { name: 'package_id', type: 'integer' },
          { name: 'version', type: 'varchar', length: '128' },
          { name: 'metadata', type: 'text' },
          flag('yanked', false),
          { name: 'yanked_reason', type: 'varchar', length: '255', isNullable: true },
          createdAt,
        ],
        indices: [new TableIndex({ name: 'UQ_package_version_package_version', columnNames: ['package_id', 'version'], isUnique: true })],
        foreignKeys: [fk('FK_package_version_package', 'package_id', 'package')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'package_file',
        columns: [
          id,
          { name: 'package_id', type: 'integer' },
          { name: 'version_id', type: 'integer' },
          { name: 'filename', type: 'varchar', length: '255' },
          { name: 'blob_digest', type: 'varchar', length: '150' },
          { name: 'size', type: 'bigint' },
          { name: 'metadata', type: 'text' },
          createdAt,
        ],
        indices: [
          new TableIndex({ name: 'UQ_package_file_package_filename', columnNames: ['package_id', 'filename'], isUnique: true }),
          new TableIndex({ name: 'IDX_package_file_version', columnNames: ['version_id'] }),
          new TableIndex({ name: 'IDX_package_file_blob', columnNames: ['blob_digest'] }),
        ],
        foreignKeys: [fk('FK_package_file_version', 'version_id', 'package_version')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'blob',
        columns: [
          { name: 'digest', type: 'varchar', length: '150', isPrimary: true },
          { name: 'size', type: 'bigint' },
          { name: 'ref_count', type: 'integer', default: 0 },
          createdAt,
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['blob', 'package_file', 'package_version', 'package', 'audit_event', 'session', 'access_token', 'membership', 'user', 'organization']) {
      await queryRunner.dropTable(table);
    }
  }
}
