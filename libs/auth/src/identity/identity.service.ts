import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { UserPrincipal } from '../access/principal';
import { AUTH_OPTIONS, AuthOptions } from '../auth-options';
import { InvalidationBus } from '../cache/invalidation-bus';
import { TtlCache } from '../cache/ttl-cache';
import { Membership } from '../entities/membership.entity';
import { Organization } from '../entities/organization.entity';
import { User } from '../entities/user.entity';

export type MembershipMap = ReadonlyMap<string, ReadonlySet<string>>;

const USER = 'identity.user';
const MEMBERSHIPS = 'identity.memberships';

/**
 * Users, organizations and memberships, with the caches that keep authentication cheap. All writes
 * go through here so the caches are invalidated in one place (on every node, through the bus).
 */
@Injectable()
export class IdentityService {
  private readonly usersById: TtlCache<number, User>;
  private readonly userIdsByName: TtlCache<string, number>;
  private readonly membershipsByUser: TtlCache<number, MembershipMap>;
  private readonly orgsBySlug = new TtlCache<string, Organization>(5 * 60_000, 1_000);
  private readonly orgsById = new TtlCache<number, Organization>(5 * 60_000, 1_000);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Organization) private readonly orgs: Repository<Organization>,
    @InjectRepository(Membership) private readonly memberships: Repository<Membership>,
    @Inject(AUTH_OPTIONS) options: AuthOptions,
    private readonly bus: InvalidationBus = new InvalidationBus(),
  ) {
    const ttl = options.recordCacheSeconds * 1000;
    this.usersById = new TtlCache(ttl, 10_000);
    this.userIdsByName = new TtlCache(ttl, 10_000);
    this.membershipsByUser = new TtlCache(ttl, 10_000);
    bus.on<{ id: number; username: string }>(USER, ({ id, username }) => {
      this.usersById.delete(id);
      this.userIdsByName.delete(username);
      this.membershipsByUser.delete(id);
    });
    bus.register(MEMBERSHIPS, this.membershipsByUser);
    for (const cache of [this.usersById, this.userIdsByName, this.orgsBySlug, this.orgsById]) bus.guard(cache);
  }

  async findUserByUsername(username: string): Promise<User | null> {
    const cachedId = this.userIdsByName.get(username);
    if (cachedId !== undefined) {
      const cached = this.usersById.get(cachedId);
      if (cached) return cached;
    }
    const stamp = this.usersById.stamp();
    const user = await this.users.findOne({ where: { username } });
    if (user) this.remember(user, stamp);
    return user;
  }

  async findUserById(id: number): Promise<User | null> {
    const cached = this.usersById.get(id);
    if (cached) return cached;
    const stamp = this.usersById.stamp();
    const user = await this.users.findOne({ where: { id } });
    if (user) this.remember(user, stamp);
    return user;
  }

  async listUsers(): Promise<User[]> {
    return this.users.find({ order: { username: 'ASC' } });
  }

  async createUser(input: { username: string; passwordHash: string; isAdmin?: boolean }): Promise<User> {
    const now = new Date();
    const user = this.users.create({ ...input, isAdmin: input.isAdmin ?? false, disabled: false, createdAt: now, updatedAt: now });
    return this.users.save(user);
  }

  async updateUser(user: User, changes: Partial<Pick<User, 'passwordHash' | 'disabled' | 'isAdmin'>>): Promise<User> {
    Object.assign(user, changes, { updatedAt: new Date() });
    const saved = await this.users.save(user);
    this.forgetUser(saved);
    return saved;
  }

  async findOrg(slug: string): Promise<Organization | null> {
    const cached = this.orgsBySlug.get(slug);
    if (cached) return cached;
    const org = await this.orgs.findOne({ where: { slug } });
    if (org) {
      this.orgsBySlug.set(slug, org);
      this.orgsById.set(org.id, org);
    }
    return org;
  }

  async findOrgById(id: number): Promise<Organization | null> {
    const cached = this.orgsById.get(id);
    if (cached) return cached;
    const org = await this.orgs.findOne({ where: { id } });
    if (org) {
      this.orgsBySlug.set(org.slug, org);
      this.orgsById.set(org.id, org);
    }
    return org;
  }

  async listOrgs(): Promise<Organization[]> {
    return this.orgs.find({ order: { slug: 'ASC' } });
  }

  async createOrg(slug: string): Promise<Organization> {
    return this.orgs.save(this.orgs.create({ slug, createdAt: new Date() }));
  }

  /** org slug → roles, for every org the user belongs to. */
  async membershipsOf(userId: number): Promise<MembershipMap> {
    const cached = this.membershipsByUser.get(userId);
    if (cached) return cached;
    const stamp = this.membershipsByUser.stamp();
    const rows = await this.memberships.find({ where: { userId } });
    const map = new Map<string, ReadonlySet<string>>();
    for (const row of rows) {
      const org = await this.findOrgById(row.orgId);
      if (org) map.set(org.slug, new Set(row.roles));
    }
    this.membershipsByUser.set(userId, map, stamp);
    return map;
  }

  /** The principal of an authenticated user, with their current memberships. */
  async userPrincipal(user: User, via: UserPrincipal['via']): Promise<UserPrincipal> {
    return { kind: 'user', via, userId: user.id, username: user.username, isAdmin: user.isAdmin, memberships: await this.membershipsOf(user.id), restrictions: [] };
  }

  async listMembers(orgId: number): Promise<{ user: User; roles: string[] }[]> {
    const rows = await this.memberships.find({ where: { orgId }, relations: { user: true } });
    return rows
      .filter((row) => row.user)
      .map((row) => ({ user: row.user as User, roles: row.roles }))
      .sort((a, b) => a.user.username.localeCompare(b.user.username));
  }

  async setMembership(userId: number, orgId: number, roles: string[]): Promise<Membership> {
    const existing = await this.memberships.findOne({ where: { userId, orgId } });
    const row = existing ?? this.memberships.create({ userId, orgId, createdAt: new Date() });
    row.roles = [...new Set(roles)].sort();
    const saved = await this.memberships.save(row);
    this.bus.drop(MEMBERSHIPS, userId);
    return saved;
  }

  async removeMembership(userId: number, orgId: number): Promise<boolean> {
    const result = await this.memberships.delete({ userId, orgId });
    this.bus.drop(MEMBERSHIPS, userId);
    return (result.affected ?? 0) > 0;
  }

  private remember(user: User, stamp: number): void {
    this.usersById.set(user.id, user, stamp);
    this.userIdsByName.set(user.username, user.id);
  }

  private forgetUser(user: User): void {
    this.bus.publish(USER, { id: user.id, username: user.username });
  }
}
