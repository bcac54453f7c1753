import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Resumable upload sessions survive a restart and are shared by every node (entity DockerUploadSession). */
export class DockerUploadSessions1764600000500 implements MigrationInterface {
  name = 'DockerUploadSessions1764600000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'docker_upload_session',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'package_id', type: 'integer' },
          { name: 'repository', type: 'varchar', length: '255' },
          { name: 'address_by', type: 'varchar', length: '8' },
          { name: 'size', type: 'bigint' },
          { name: 'parts', type: 'text' },
          { name: 'last_activity', type: 'datetime' },
        ],
        indices: [new TableIndex({ name: 'IDX_docker_upload_session_activity', columnNames: ['last_activity'] })],
        foreignKeys: [
          new TableForeignKey({ name: 'FK_docker_upload_session_package', columnNames: ['package_id'], referencedTableName: 'package', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('docker_upload_session');
  }
}
