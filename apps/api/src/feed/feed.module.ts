import { Module } from '@nestjs/common';
import { FeedController } from './feed.controller';
import { FeedService } from './feed.service';

/** The Atom release feed (`GET /api/v1/orgs/{org}/feed.atom`). */
@Module({ controllers: [FeedController], providers: [FeedService] })
export class FeedModule {}
