import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { BLOB_FILE_METADATA, manifestFileMetadata, tagFileName } from '../services/tag-files';
import { dockerTagTable } from './docker-schema.migration';

interface TagRow {
  package_id: number;
  name: string;
  manifest_digest: string;
  updated_at: unknown;
  media_type: string;
  size: number | string;
  blob_refs: string;
}

/**
 * Docker tags become core versions: each `docker_tag` row becomes a `package_version` (the tag)
 * whose `package_file` rows are its manifest and the distinct blobs that manifest references, each
 * holding one blob reference; then `docker_tag` is dropped. On MariaDB/MySQL the version and file
 * name columns become case-sensitive (`utf8mb4_bin`), as they already are on SQLite: Docker tags
 * `v1` and `V1` are two tags. `down` rebuilds `docker_tag` from the versions and removes them.
 */
export class DockerTagsAsVersions1764940000000 implements MigrationInterface {
  name = 'DockerTagsAsVersions1764940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await setNameCollation(queryRunner, 'utf8mb4_bin');
    const tags: TagRow[] = await queryRunner.query(
      `SELECT t.package_id, t.name, t.manifest_digest, t.updated_at, m.media_type, m.size, m.blob_refs
       FROM docker_tag t INNER JOIN docker_manifest m ON m.package_id = t.package_id AND m.digest = t.manifest_digest
       ORDER BY t.updated_at ASC, t.id ASC`,
    );
    for (const tag of tags) {
      await queryRunner.query('INSERT INTO package_version (package_id, version, metadata, yanked, yanked_reason, created_at) VALUES (?, ?, ?, 0, NULL, ?)', [
        tag.package_id,
        tag.name,
        JSON.stringify({ manifestDigest: tag.manifest_digest, mediaType: tag.media_type }),
        tag.updated_at,
      ]);
      const [{ id: versionId }] = (await queryRunner.query('SELECT id FROM package_version WHERE package_id = ? AND version = ?', [tag.package_id, tag.name])) as { id: number }[];
      const files: { digest: string; size: number; metadata: Record<string, unknown> }[] = [{ digest: tag.manifest_digest, size: Number(tag.size), metadata: manifestFileMetadata(tag.media_type) }];
      for (const digest of new Set(JSON.parse(tag.blob_refs) as string[])) {
        const [blob] = (await queryRunner.query('SELECT size FROM `blob` WHERE digest = ?', [digest])) as { size: number | string }[];
        if (blob && digest !== tag.manifest_digest) files.push({ digest, size: Number(blob.size), metadata: BLOB_FILE_METADATA });
      }
      for (const file of files) {
        await queryRunner.query('INSERT INTO package_file (package_id, version_id, filename, blob_digest, size, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          tag.package_id,
          versionId,
          tagFileName(tag.name, file.digest),
          file.digest,
          file.size,
          JSON.stringify(file.metadata),
          tag.updated_at,
        ]);
        await queryRunner.query('UPDATE `blob` SET ref_count = ref_count + 1 WHERE digest = ?', [file.digest]);
      }
    }
    await queryRunner.dropTable('docker_tag');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(dockerTagTable());
    const versions: { id: number; package_id: number; version: string; metadata: string; created_at: unknown }[] = await queryRunner.query(
      `SELECT v.id, v.package_id, v.version, v.metadata, v.created_at FROM package_version v INNER JOIN package p ON p.id = v.package_id WHERE p.type = 'docker' ORDER BY v.id ASC`,
    );
    for (const version of versions) {
      const digest = (JSON.parse(version.metadata) as { manifestDigest?: string }).manifestDigest;
      if (digest) {
        await queryRunner.query('INSERT INTO docker_tag (package_id, name, name_key, manifest_digest, updated_at) VALUES (?, ?, ?, ?, ?)', [
          version.package_id,
          version.version,
          createHash('sha256').update(version.version, 'utf8').digest('hex'),
          digest,
          version.created_at,
        ]);
      }
      const files = (await queryRunner.query('SELECT blob_digest FROM package_file WHERE version_id = ?', [version.id])) as { blob_digest: string }[];
      for (const file of files) await queryRunner.query('UPDATE `blob` SET ref_count = ref_count - 1 WHERE digest = ?', [file.blob_digest]);
      await queryRunner.query('DELETE FROM package_file WHERE version_id = ?', [version.id]);
      await queryRunner.query('DELETE FROM package_version WHERE id = ?', [version.id]);
    }
    await setNameCollation(queryRunner, 'utf8mb4_unicode_ci');
  }
}

/** MariaDB/MySQL only: SQLite compares these columns byte for byte already. */
async function setNameCollation(queryRunner: QueryRunner, collation: string): Promise<void> {
  if (!['mysql', 'mariadb'].includes(queryRunner.connection.driver.options.type)) return;
  await queryRunner.query(`ALTER TABLE package_version MODIFY version varchar(128) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL`);
  await queryRunner.query(`ALTER TABLE package_file MODIFY filename varchar(255) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL`);
}
