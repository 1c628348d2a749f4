import type { Operation } from '../../protocols/operation.js';
import { AttachGroupPolicy } from './AttachGroupPolicy.js';
import { AttachRolePolicy } from './AttachRolePolicy.js';
import { AttachUserPolicy } from './AttachUserPolicy.js';
import { CreatePolicy } from './CreatePolicy.js';
import { CreatePolicyVersion } from './CreatePolicyVersion.js';
import { CreateRole } from './CreateRole.js';
import { DeleteGroupPolicy } from './DeleteGroupPolicy.js';
import { DeletePolicy } from './DeletePolicy.js';
import { DeletePolicyVersion } from './DeletePolicyVersion.js';
import { DeleteRole } from './DeleteRole.js';
import { DeleteRolePermissionsBoundary } from './DeleteRolePermissionsBoundary.js';
import { DeleteRolePolicy } from './DeleteRolePolicy.js';
import { DeleteUserPermissionsBoundary } from './DeleteUserPermissionsBoundary.js';
import { DeleteUserPolicy } from './DeleteUserPolicy.js';
import { DetachGroupPolicy } from './DetachGroupPolicy.js';
import { DetachRolePolicy } from './DetachRolePolicy.js';
import { DetachUserPolicy } from './DetachUserPolicy.js';
import { GetGroupPolicy } from './GetGroupPolicy.js';
import { GetPolicy } from './GetPolicy.js';
import { GetPolicyVersion } from './GetPolicyVersion.js';
import { GetRole } from './GetRole.js';
import { GetRolePolicy } from './GetRolePolicy.js';
import { GetUserPolicy } from './GetUserPolicy.js';
import { ListAttachedGroupPolicies } from './ListAttachedGroupPolicies.js';
import { ListAttachedRolePolicies } from './ListAttachedRolePolicies.js';
import { ListAttachedUserPolicies } from './ListAttachedUserPolicies.js';
import { ListEntitiesForPolicy } from './ListEntitiesForPolicy.js';
import { ListGroupPolicies } from './ListGroupPolicies.js';
import { ListPolicies } from './ListPolicies.js';
import { ListPolicyTags } from './ListPolicyTags.js';
import { ListPolicyVersions } from './ListPolicyVersions.js';
import { ListRolePolicies } from './ListRolePolicies.js';
import { ListRoleTags } from './ListRoleTags.js';
import { ListRoles } from './ListRoles.js';
import { ListUserPolicies } from './ListUserPolicies.js';
import { PutGroupPolicy } from './PutGroupPolicy.js';
import { PutRolePermissionsBoundary } from './PutRolePermissionsBoundary.js';
import { PutRolePolicy } from './PutRolePolicy.js';
import { PutUserPermissionsBoundary } from './PutUserPermissionsBoundary.js';
import { PutUserPolicy } from './PutUserPolicy.js';
import { SetDefaultPolicyVersion } from './SetDefaultPolicyVersion.js';
import { TagPolicy } from './TagPolicy.js';
import { TagRole } from './TagRole.js';
import { UntagPolicy } from './UntagPolicy.js';
import { UntagRole } from './UntagRole.js';
import { UpdateAssumeRolePolicy } from './UpdateAssumeRolePolicy.js';
import { UpdateRole } from './UpdateRole.js';
import { UpdateRoleDescription } from './UpdateRoleDescription.js';

/** Roles, managed policies and versions, attachments, inline policies, boundaries, tags. */
export const policyOperations: Operation[] = [
  AttachGroupPolicy,
  AttachRolePolicy,
  AttachUserPolicy,
  CreatePolicy,
  CreatePolicyVersion,
  CreateRole,
  DeleteGroupPolicy,
  DeletePolicy,
  DeletePolicyVersion,
  DeleteRole,
  DeleteRolePermissionsBoundary,
  DeleteRolePolicy,
  DeleteUserPermissionsBoundary,
  DeleteUserPolicy,
  DetachGroupPolicy,
  DetachRolePolicy,
  DetachUserPolicy,
  GetGroupPolicy,
  GetPolicy,
  GetPolicyVersion,
  GetRole,
  GetRolePolicy,
  GetUserPolicy,
  ListAttachedGroupPolicies,
  ListAttachedRolePolicies,
  ListAttachedUserPolicies,
  ListEntitiesForPolicy,
  ListGroupPolicies,
  ListPolicies,
  ListPolicyTags,
  ListPolicyVersions,
  ListRolePolicies,
  ListRoleTags,
  ListRoles,
  ListUserPolicies,
  PutGroupPolicy,
  PutRolePermissionsBoundary,
  PutRolePolicy,
  PutUserPermissionsBoundary,
  PutUserPolicy,
  SetDefaultPolicyVersion,
  TagPolicy,
  TagRole,
  UntagPolicy,
  UntagRole,
  UpdateAssumeRolePolicy,
  UpdateRole,
  UpdateRoleDescription,
];
