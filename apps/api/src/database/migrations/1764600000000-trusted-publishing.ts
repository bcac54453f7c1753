import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Trusted publishers (OIDC) and the single-use record of exchanged ID tokens. */
export class TrustedPublishing1764600000000 implements MigrationInterface {
  name = 'TrustedPublishing1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'trusted_publisher',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'integer' },
          { name: 'name', type: 'varchar', length: '128' },
          { name: 'issuer', type: 'varchar', length: '255' },
          { name: 'audience', type: 'varchar', length: '255' },
          { name: 'claims', type: 'text' },
          { name: 'roles', type: 'text' },
          { name: 'packages', type: 'text' },
          { name: 'token_lifetime_seconds', type: 'integer' },
          { name: 'created_by', type: 'integer' },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'UQ_trusted_publisher_org_name', columnNames: ['org_id', 'name'], isUnique: true }),
          new TableIndex({ name: 'IDX_trusted_publisher_created_by', columnNames: ['created_by'] }),
        ],
        foreignKeys: [
          new TableForeignKey({ name: 'FK_trusted_publisher_org', columnNames: ['org_id'], referencedTableName: 'organization', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
          new TableForeignKey({ name: 'FK_trusted_publisher_user', columnNames: ['created_by'], referencedTableName: 'user', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oidc_token_use',
        columns: [
          { name: 'jti_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'expires_at', type: 'datetime' },
          { name: 'token_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'token_expires_at', type: 'datetime', isNullable: true },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'IDX_oidc_token_use_expires', columnNames: ['expires_at'] }),
          new TableIndex({ name: 'IDX_oidc_token_use_token_expires', columnNames: ['token_expires_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oidc_token_use');
    await queryRunner.dropTable('trusted_publisher');
  }
}
