import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes the hot reads need once there is data:
 * - a package's versions in upload order (npm packument, PyPI simple page, REST detail) without a sort;
 * - a package's files in id order, and listing summaries (REST package list) counted from an
 *   index instead of the rows;
 * - the audit listing, newest first per org, without sorting the org's whole history.
 */
export class QueryIndexes1764700000000 implements MigrationInterface {
  name = 'QueryIndexes1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createIndex('package_version', new TableIndex({ name: 'IDX_package_version_package_created', columnNames: ['package_id', 'created_at'] }));
    await queryRunner.createIndex('package_file', new TableIndex({ name: 'IDX_package_file_package_stats', columnNames: ['package_id', 'id', 'created_at', 'size'] }));
    await queryRunner.createIndex('audit_event', new TableIndex({ name: 'IDX_audit_event_org_id', columnNames: ['org', 'id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('audit_event', 'IDX_audit_event_org_id');
    await queryRunner.dropIndex('package_file', 'IDX_package_file_package_stats');
    await queryRunner.dropIndex('package_version', 'IDX_package_version_package_created');
  }
}
