import type { Operation } from '../../protocols/operation.js';
import { AddUserToGroup } from './AddUserToGroup.js';
import { ChangePassword } from './ChangePassword.js';
import { CreateAccessKey } from './CreateAccessKey.js';
import { CreateAccountAlias } from './CreateAccountAlias.js';
import { CreateGroup } from './CreateGroup.js';
import { CreateLoginProfile } from './CreateLoginProfile.js';
import { CreateUser } from './CreateUser.js';
import { CreateVirtualMFADevice } from './CreateVirtualMFADevice.js';
import { DeactivateMFADevice } from './DeactivateMFADevice.js';
import { DeleteAccessKey } from './DeleteAccessKey.js';
import { DeleteAccountAlias } from './DeleteAccountAlias.js';
import { DeleteAccountPasswordPolicy } from './DeleteAccountPasswordPolicy.js';
import { DeleteGroup } from './DeleteGroup.js';
import { DeleteLoginProfile } from './DeleteLoginProfile.js';
import { DeleteUser } from './DeleteUser.js';
import { DeleteVirtualMFADevice } from './DeleteVirtualMFADevice.js';
import { EnableMFADevice } from './EnableMFADevice.js';
import { GetAccessKeyLastUsed } from './GetAccessKeyLastUsed.js';
import { GetAccountPasswordPolicy } from './GetAccountPasswordPolicy.js';
import { GetGroup } from './GetGroup.js';
import { GetLoginProfile } from './GetLoginProfile.js';
import { GetUser } from './GetUser.js';
import { ListAccessKeys } from './ListAccessKeys.js';
import { ListAccountAliases } from './ListAccountAliases.js';
import { ListGroups } from './ListGroups.js';
import { ListGroupsForUser } from './ListGroupsForUser.js';
import { ListMFADevices } from './ListMFADevices.js';
import { ListUserTags } from './ListUserTags.js';
import { ListUsers } from './ListUsers.js';
import { ListVirtualMFADevices } from './ListVirtualMFADevices.js';
import { RemoveUserFromGroup } from './RemoveUserFromGroup.js';
import { ResyncMFADevice } from './ResyncMFADevice.js';
import { TagUser } from './TagUser.js';
import { UntagUser } from './UntagUser.js';
import { UpdateAccessKey } from './UpdateAccessKey.js';
import { UpdateAccountPasswordPolicy } from './UpdateAccountPasswordPolicy.js';
import { UpdateGroup } from './UpdateGroup.js';
import { UpdateLoginProfile } from './UpdateLoginProfile.js';
import { UpdateUser } from './UpdateUser.js';

/** Users, groups, access keys, login profiles, password policy, MFA devices, account aliases. */
export const userOperations: Operation[] = [
  AddUserToGroup,
  ChangePassword,
  CreateAccessKey,
  CreateAccountAlias,
  CreateGroup,
  CreateLoginProfile,
  CreateUser,
  CreateVirtualMFADevice,
  DeactivateMFADevice,
  DeleteAccessKey,
  DeleteAccountAlias,
  DeleteAccountPasswordPolicy,
  DeleteGroup,
  DeleteLoginProfile,
  DeleteUser,
  DeleteVirtualMFADevice,
  EnableMFADevice,
  GetAccessKeyLastUsed,
  GetAccountPasswordPolicy,
  GetGroup,
  GetLoginProfile,
  GetUser,
  ListAccessKeys,
  ListAccountAliases,
  ListGroups,
  ListGroupsForUser,
  ListMFADevices,
  ListUserTags,
  ListUsers,
  ListVirtualMFADevices,
  RemoveUserFromGroup,
  ResyncMFADevice,
  TagUser,
  UntagUser,
  UpdateAccessKey,
  UpdateAccountPasswordPolicy,
  UpdateGroup,
  UpdateLoginProfile,
  UpdateUser,
];
