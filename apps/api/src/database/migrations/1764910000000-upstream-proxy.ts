import { MigrationInterface, QueryRunner, Table, TableColumn, TableColumnOptions, TableForeignKey, TableIndex } from 'typeorm';

const orgFk = (name: string) => new TableForeignKey({ name, columnNames: ['org_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' });

/**
 * The upstream proxy: per-org upstream settings (`org_upstream`, credentials sealed), the org-wide
 * anonymous-reads switch (`org_upstream_policy`), cached metadata documents (`upstream_metadata`,
 * bytes in the blob store), and `package.source` (`local` or `upstream`).
 */
export class UpstreamProxy1764910000000 implements MigrationInterface {
  name = 'UpstreamProxy1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type === 'better-sqlite3';
    const flag = (name: string, value: boolean): TableColumnOptions => ({ name, type: sqlite ? 'boolean' : 'tinyint', default: Number(value) });
    const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    await queryRunner.addColumn('package', new TableColumn({ name: 'source', type: 'varchar', length: '16', default: "'local'" }));
    await queryRunner.createTable(
      new Table({
        name: 'org_upstream',
        columns: [
          id,
          { name: 'org_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'reserved', type: 'text' },
          { name: 'metadata_ttl_seconds', type: 'integer' },
          { name: 'prefix', type: 'varchar', length: '64', isNullable: true },
          { name: 'credentials', type: 'text', isNullable: true },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
        indices: [new TableIndex({ name: 'UQ_org_upstream_org_type', columnNames: ['org_id', 'type'], isUnique: true })],
        foreignKeys: [orgFk('FK_org_upstream_org')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'org_upstream_policy',
        columns: [{ name: 'org_id', type: 'integer', isPrimary: true }, flag('anonymous_reads', false), { name: 'updated_at', type: 'datetime' }],
        foreignKeys: [orgFk('FK_org_upstream_policy_org')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'upstream_metadata',
        columns: [
          id,
          { name: 'org_id', type: 'integer' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'cache_key', type: 'varchar', length: '255' },
          { name: 'blob_digest', type: 'varchar', length: '150' },
          { name: 'content_type', type: 'varchar', length: '255' },
          { name: 'etag', type: 'varchar', length: '255', isNullable: true },
          { name: 'fetched_at', type: 'datetime' },
          { name: 'expires_at', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'UQ_upstream_metadata_key', columnNames: ['org_id', 'type', 'cache_key'], isUnique: true }),
          new TableIndex({ name: 'IDX_upstream_metadata_blob', columnNames: ['blob_digest'] }),
        ],
        foreignKeys: [orgFk('FK_upstream_metadata_org')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('upstream_metadata');
    await queryRunner.dropTable('org_upstream_policy');
    await queryRunner.dropTable('org_upstream');
    await queryRunner.dropColumn('package', 'source');
  }
}
