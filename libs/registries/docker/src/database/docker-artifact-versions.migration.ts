import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { tagArtifactType } from '../wire/artifact-type';

interface TagManifestRow {
  id: number;
  version: string;
  metadata: string;
  digest: string;
  artifact_type: string | null;
}

/**
 * Versions that are artifacts (Docker tags naming a signature, SBOM, attestation, …) get their type
 * in `package_version.artifact_type`, so that a package's latest skips them in an index-only query
 * (version metadata is JSON text, not queryable). Existing Docker tags are classified from their
 * stored manifest row (its artifact type, which is the config media type for image manifests);
 * layer media types are not stored, so cosign-convention tags get cosign's default payload type.
 * Computing the type when reading instead would need a join from the core listing into Docker's
 * tables; a one-time pass over the tags is cheaper and keeps the core format-agnostic.
 */
export class DockerArtifactVersions1764950000000 implements MigrationInterface {
  name = 'DockerArtifactVersions1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A plain ADD COLUMN: TypeORM's addColumn rebuilds the whole table on SQLite.
    await queryRunner.query('ALTER TABLE package_version ADD artifact_type varchar(255) NULL');
    await queryRunner.createIndex('package_version', new TableIndex({ name: 'IDX_package_version_package_artifact', columnNames: ['package_id', 'artifact_type'] }));
    // A tag's manifest is one of its files; only Docker packages have docker_manifest rows.
    const rows: TagManifestRow[] = await queryRunner.query(
      `SELECT v.id, v.version, v.metadata, m.digest, m.artifact_type
       FROM package_version v
       INNER JOIN package_file f ON f.version_id = v.id
       INNER JOIN docker_manifest m ON m.package_id = f.package_id AND m.digest = f.blob_digest`,
    );
    for (const row of rows) {
      if ((JSON.parse(row.metadata) as { manifestDigest?: string }).manifestDigest !== row.digest) continue;
      const type = tagArtifactType(row.version, { artifactType: row.artifact_type, layerMediaTypes: [] });
      if (type !== null) await queryRunner.query('UPDATE package_version SET artifact_type = ? WHERE id = ?', [type, row.id]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('package_version', 'IDX_package_version_package_artifact');
    // SQLite 3.35+ drops a column without rebuilding the table.
    await queryRunner.query('ALTER TABLE package_version DROP COLUMN artifact_type');
  }
}
