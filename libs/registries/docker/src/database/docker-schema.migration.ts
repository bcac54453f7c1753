import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/**
 * Docker/OCI tables (entities in ../entities). TypeORM's schema builder, so the same migration runs
 * on SQLite and MySQL/MariaDB; index and foreign-key names match the entities.
 */
function packageFk(name: string): TableForeignKey {
  return new TableForeignKey({ name, columnNames: ['package_id'], referencedTableName: 'package', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' });
}

const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
const packageId = { name: 'package_id', type: 'integer' };
const digest = (name: string, isNullable = false) => ({ name, type: 'varchar', length: '150', isNullable });

/** Tags before they became core versions (DockerTagsAsVersions1764940000000 drops the table). */
export function dockerTagTable(): Table {
  return new Table({
    name: 'docker_tag',
    columns: [
      id,
      packageId,
      { name: 'name', type: 'varchar', length: '128' },
      { name: 'name_key', type: 'varchar', length: '64' },
      digest('manifest_digest'),
      { name: 'updated_at', type: 'datetime' },
    ],
    indices: [
      new TableIndex({ name: 'UQ_docker_tag_package_key', columnNames: ['package_id', 'name_key'], isUnique: true }),
      new TableIndex({ name: 'IDX_docker_tag_package_digest', columnNames: ['package_id', 'manifest_digest'] }),
    ],
    foreignKeys: [packageFk('FK_docker_tag_package')],
  });
}

export class DockerSchema1763900000500 implements MigrationInterface {
  name = 'DockerSchema1763900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'docker_manifest',
        columns: [
          id,
          packageId,
          digest('digest'),
          { name: 'media_type', type: 'varchar', length: '255' },
          { name: 'size', type: 'bigint' },
          { name: 'artifact_type', type: 'varchar', length: '255', isNullable: true },
          digest('subject_digest', true),
          { name: 'blob_refs', type: 'text' },
          { name: 'manifest_refs', type: 'text' },
          { name: 'annotations', type: 'text', isNullable: true },
          { name: 'created_at', type: 'datetime' },
        ],
        indices: [
          new TableIndex({ name: 'UQ_docker_manifest_package_digest', columnNames: ['package_id', 'digest'], isUnique: true }),
          new TableIndex({ name: 'IDX_docker_manifest_package_subject', columnNames: ['package_id', 'subject_digest'] }),
        ],
        foreignKeys: [packageFk('FK_docker_manifest_package')],
      }),
    );
    await queryRunner.createTable(dockerTagTable());
    await queryRunner.createTable(
      new Table({
        name: 'docker_blob_link',
        columns: [id, packageId, digest('digest'), { name: 'created_at', type: 'datetime' }],
        indices: [
          new TableIndex({ name: 'UQ_docker_blob_link_package_digest', columnNames: ['package_id', 'digest'], isUnique: true }),
          new TableIndex({ name: 'IDX_docker_blob_link_digest', columnNames: ['digest'] }),
        ],
        foreignKeys: [packageFk('FK_docker_blob_link_package')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['docker_blob_link', 'docker_tag', 'docker_manifest']) if (await queryRunner.hasTable(table)) await queryRunner.dropTable(table);
  }
}
