//! The identity component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::routes::assignments::AssignmentResponse;
use crate::store::assignments::Assignment;
use crate::store::customers::Customer;
use crate::store::notifications::Notification;
use crate::store::tokens::Token;
use crate::store::users::User;
use crate::views::{
    AuthorityView, ContractProcesses, MeView, NewTokenView, NotificationRead, PermissionAnswer,
    RoleView,
};
use crate::wire::{
    CreateContactRequest, CreateCustomerRequest, CreateTokenRequest, CreateUserRequest,
    GrantRequest, ProcessDecisionRequest, ReevaluateRequest, RevokeRequest, UpdateCustomerRequest,
    UpdateUserRequest,
};
use itsm_domain::access::{MatrixRow, Process, Role, ScopeKind, names};
use itsm_http::openapi::ApiDoc;
use itsm_store::HistoryEntry;
use serde_json::json;

const USERS: &str = "users";
const ROLES: &str = "roles";
const TOKENS: &str = "tokens";
const CUSTOMERS: &str = "customers";
const ME: &str = "me";
const USER: &str = "The user's id or user name.";
const CUSTOMER: &str = "The customer organisation's code.";
const ASSIGNMENT: &str = "The role assignment's id.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(
        USERS,
        "Users and their role assignments, with history and re-evaluation (ISO/IEC 20000-1 §5.3).",
    );
    doc.tag(
        ROLES,
        "The published policy: roles, authorities and the responsibility matrix.",
    );
    doc.tag(
        TOKENS,
        "API tokens: shown once, stored as hashes, expiring.",
    );
    doc.tag(
        CUSTOMERS,
        "Customer organisations, their contacts and their contracts' processes.",
    );
    doc.tag(ME, "The caller's own view.");
    describe_users(doc);
    describe_assignments(doc);
    describe_policy(doc);
    describe_tokens(doc);
    describe_customers(doc);
    describe_me(doc);
}

fn describe_users(doc: &mut ApiDoc) {
    doc.get("/api/v1/users", "listUsers", "List users")
        .tag(USERS)
        .authority(names::USER_READ)
        .query_choice(
            "role",
            "Only users holding this role now.",
            Role::ALL.iter().map(|r| r.as_str()),
        )
        .query_choice(
            "active",
            "Only active (true) or deactivated (false) users.",
            ["true", "false"],
        )
        .page_of::<User>("A page of users.")
        .add();
    doc.post("/api/v1/users", "createUser", "Create a user")
        .tag(USERS)
        .authority(names::USER_WRITE)
        .body::<CreateUserRequest>()
        .created::<User>("The new user.")
        .links(
            "user",
            "$response.body#/id",
            &["getUser", "updateUser", "listUserRoles", "grantRole"],
        )
        .fails(409, "The user name is taken.")
        .add();
    doc.get("/api/v1/users/{user}", "getUser", "Read a user")
        .tag(USERS)
        .authority(names::USER_READ)
        .path_param("user", USER)
        .ok_record::<User>("The user.")
        .add();
    doc.patch(
        "/api/v1/users/{user}",
        "updateUser",
        "Change, deactivate or reactivate a user",
    )
    .tag(USERS)
    .authority(names::USER_WRITE)
    .describe("Deactivating a user stops their tokens at once; nobody can deactivate themselves.")
    .path_param("user", USER)
    .body::<UpdateUserRequest>()
    .if_match()
    .ok_record::<User>("The changed user.")
    .add();
}

fn describe_assignments(doc: &mut ApiDoc) {
    doc.get(
        "/api/v1/users/{user}/roles",
        "listUserRoles",
        "A user's role assignments",
    )
    .tag(USERS)
    .authority(names::USER_READ)
    .describe("Anyone may read their own.")
    .path_param("user", USER)
    .query_choice(
        "include",
        "`history` adds revoked and expired assignments.",
        ["history"],
    )
    .page_of::<AssignmentResponse>("A page of assignments.")
    .add();
    doc.post("/api/v1/users/{user}/roles", "grantRole", "Grant a role, possibly within a scope")
        .tag(USERS)
        .authority(names::ROLE_GRANT)
        .describe("Nobody grants themselves a role; only top management grants `admin` or `top_management`; a process owner may grant only the process manager role of their own process. A refused grant is recorded in the audit trail. The holder is notified.")
        .path_param("user", USER)
        .body::<GrantRequest>()
        .created::<AssignmentResponse>("The new assignment.")
        .links("id", "$response.body#/id", &["getRoleAssignment", "getRoleAssignmentHistory", "revokeRoleAssignment", "reevaluateRoleAssignment"])
        .fails(409, "The user already holds this role in this scope.")
        .add();
    doc.get(
        "/api/v1/role-assignments",
        "listRoleAssignments",
        "Role assignments across users",
    )
    .tag(USERS)
    .authority(names::USER_READ)
    .query_choice(
        "role",
        "Only this role.",
        Role::ALL.iter().map(|r| r.as_str()),
    )
    .query_choice(
        "scope_kind",
        "Only grants within scopes of this kind (with `scope_key`).",
        ScopeKind::ALL.iter().map(|k| k.as_str()),
    )
    .query(
        "scope_key",
        "Only grants within this scope (with `scope_kind`).",
    )
    .query_choice(
        "include",
        "`history` adds revoked and expired assignments.",
        ["history"],
    )
    .query_schema(
        "reevaluation_due_before",
        "Only assignments due for re-evaluation before this instant (RFC 3339).",
        json!({ "type": "string", "format": "date-time" }),
    )
    .page_of::<AssignmentResponse>("A page of assignments.")
    .add();
    doc.get(
        "/api/v1/role-assignments/{id}",
        "getRoleAssignment",
        "Read a role assignment",
    )
    .tag(USERS)
    .authority(names::USER_READ)
    .path_param("id", ASSIGNMENT)
    .ok_record::<AssignmentResponse>("The assignment, with where it stands now.")
    .add();
    doc.get(
        "/api/v1/role-assignments/{id}/history",
        "getRoleAssignmentHistory",
        "A role assignment's audit timeline",
    )
    .tag(USERS)
    .authority(names::USER_READ)
    .path_param("id", ASSIGNMENT)
    .list_of::<HistoryEntry>("Oldest first.")
    .add();
    doc.post(
        "/api/v1/role-assignments/{id}/revoke",
        "revokeRoleAssignment",
        "Revoke a role assignment",
    )
    .tag(USERS)
    .authority(names::ROLE_GRANT)
    .path_param("id", ASSIGNMENT)
    .body::<RevokeRequest>()
    .if_match()
    .ok_record::<AssignmentResponse>("The revoked assignment.")
    .fails(409, "The assignment is not live any more.")
    .add();
    doc.post("/api/v1/role-assignments/{id}/reevaluate", "reevaluateRoleAssignment", "Confirm a role assignment after re-evaluation")
        .tag(USERS)
        .authority(names::ROLE_GRANT)
        .describe("Records who confirmed it and why, and sets the next re-evaluation date (a year on by default).")
        .path_param("id", ASSIGNMENT)
        .body::<ReevaluateRequest>()
        .if_match()
        .ok_record::<AssignmentResponse>("The confirmed assignment.")
        .fails(409, "The assignment is not live any more.")
        .add();
}

fn describe_policy(doc: &mut ApiDoc) {
    doc.get("/api/v1/roles", "listRoles", "Every role of the policy")
        .tag(ROLES)
        .list_of::<RoleView>("The roles with their authorities.")
        .add();
    doc.get("/api/v1/roles/{role}", "getRole", "One role of the policy")
        .tag(ROLES)
        .path_param("role", "The role's name, such as change_manager.")
        .ok::<RoleView>("The role with its authorities.")
        .add();
    doc.get(
        "/api/v1/authorities",
        "listAuthorities",
        "Every authority of the policy",
    )
    .tag(ROLES)
    .list_of::<AuthorityView>("Each authority with its source in the standard and its holders.")
    .add();
    doc.get(
        "/api/v1/responsibility-matrix",
        "getResponsibilityMatrix",
        "The responsibility matrix: role × process × authority",
    )
    .tag(ROLES)
    .describe("JSON by default; RFC 4180 CSV for `Accept: text/csv` or `?format=csv`.")
    .query_choice("format", "`csv` for a spreadsheet.", ["json", "csv"])
    .list_of::<MatrixRow>("One row per role, process and authority.")
    .also_as("text/csv", json!({ "type": "string" }))
    .fails(400, "An unknown format or query parameter.")
    .add();
}

fn describe_tokens(doc: &mut ApiDoc) {
    doc.get(
        "/api/v1/tokens",
        "listTokens",
        "List API tokens (never their secrets)",
    )
    .tag(TOKENS)
    .describe("The caller's own; another user's with `token.manage`.")
    .query("user", "Another user's id or user name.")
    .list_of::<Token>("The tokens, newest first.")
    .fails(400, "An unknown query parameter.")
    .add();
    doc.post("/api/v1/tokens", "createToken", "Create an API token")
        .tag(TOKENS)
        .describe("The secret is in this answer only. Tokens expire after 90 days unless `expires_at` says otherwise (at most 366 days). Creating one for another user needs `token.manage`.")
        .body::<CreateTokenRequest>()
        .created::<NewTokenView>("The token, with its secret.")
        .links("id", "$response.body#/id", &["revokeToken"])
        .fails(409, "The user already has a live token with this label.")
        .add();
    doc.post("/api/v1/tokens/{id}/revoke", "revokeToken", "Revoke an API token")
        .tag(TOKENS)
        .describe("Idempotent: a revoked token is answered as it stands. Another user's token needs `token.manage`.")
        .path_param("id", "The token's id.")
        .ok::<Token>("The revoked token.")
        .add();
}

fn describe_customers(doc: &mut ApiDoc) {
    doc.get(
        "/api/v1/customers",
        "listCustomers",
        "List customer organisations",
    )
    .tag(CUSTOMERS)
    .authority(names::CUSTOMER_READ)
    .describe("A customer contact sees only their own organisation.")
    .page_of::<Customer>("A page of customers.")
    .add();
    doc.post(
        "/api/v1/customers",
        "createCustomer",
        "Create a customer organisation",
    )
    .tag(CUSTOMERS)
    .authority(names::CUSTOMER_WRITE)
    .body::<CreateCustomerRequest>()
    .created::<Customer>("The new customer.")
    .links(
        "code",
        "$response.body#/code",
        &[
            "getCustomer",
            "updateCustomer",
            "listContacts",
            "createContact",
            "listContractProcesses",
            "setContractProcess",
        ],
    )
    .fails(409, "The customer code is taken.")
    .add();
    doc.get(
        "/api/v1/customers/{code}",
        "getCustomer",
        "Read a customer organisation",
    )
    .tag(CUSTOMERS)
    .authority(names::CUSTOMER_READ)
    .path_param("code", CUSTOMER)
    .ok_record::<Customer>("The customer.")
    .add();
    doc.patch(
        "/api/v1/customers/{code}",
        "updateCustomer",
        "Change a customer organisation",
    )
    .tag(CUSTOMERS)
    .authority(names::CUSTOMER_WRITE)
    .path_param("code", CUSTOMER)
    .body::<UpdateCustomerRequest>()
    .if_match()
    .ok_record::<Customer>("The changed customer.")
    .add();
    doc.get(
        "/api/v1/customers/{code}/contacts",
        "listContacts",
        "A customer's contacts",
    )
    .tag(CUSTOMERS)
    .authority(names::CUSTOMER_READ)
    .path_param("code", CUSTOMER)
    .page_of::<Assignment>("The live customer-role grants of this customer.")
    .add();
    doc.post(
        "/api/v1/customers/{code}/contacts",
        "createContact",
        "Add a contact to a customer",
    )
    .tag(CUSTOMERS)
    .authority(names::CUSTOMER_WRITE)
    .describe("Creates the user if needed and grants them the customer role within this customer.")
    .path_param("code", CUSTOMER)
    .body::<CreateContactRequest>()
    .created::<Assignment>("The contact's grant.")
    .add();
    doc.get(
        "/api/v1/customers/{code}/processes",
        "listContractProcesses",
        "The processes of a customer's contract",
    )
    .tag(CUSTOMERS)
    .authority(names::CUSTOMER_READ)
    .path_param("code", CUSTOMER)
    .ok::<ContractProcesses>(
        "Every process, with whether the contract includes it and who decided.",
    )
    .add();
    doc.put("/api/v1/customers/{code}/processes/{process}", "setContractProcess", "Switch a tailorable process on or off for a customer")
        .tag(CUSTOMERS)
        .authority(names::CONTRACT_PROCESSES_SET)
        .describe("Mandatory and always-on processes cannot be switched off (422). The customer's records of a switched-off process answer 403 `process-not-in-contract`.")
        .path_param("code", CUSTOMER)
        .path_choice("process", "The process.", Process::ALL.iter().map(|p| p.as_str()))
        .body::<ProcessDecisionRequest>()
        .ok::<ContractProcesses>("The contract's processes after the change.")
        .add();
}

fn describe_me(doc: &mut ApiDoc) {
    doc.get(
        "/api/v1/me",
        "getMe",
        "Who the caller is and what they may do",
    )
    .tag(ME)
    .ok::<MeView>("The caller, their grants and the authorities those give.")
    .add();
    doc.get(
        "/api/v1/me/permissions/{authority}",
        "checkPermission",
        "Whether the caller may do something in a context",
    )
    .tag(ME)
    .describe("So a user interface or chat bot offers only what will work.")
    .path_param("authority", "An authority's name, such as change.approve.")
    .query("customer", "The record's customer code.")
    .query("service", "The record's service.")
    .query_choice(
        "process",
        "The record's process.",
        Process::ALL.iter().map(|p| p.as_str()),
    )
    .ok::<PermissionAnswer>("The answer.")
    .fails(400, "An unknown or malformed query parameter.")
    .add();
    doc.get(
        "/api/v1/me/notifications",
        "listMyNotifications",
        "The caller's notifications, newest first",
    )
    .tag(ME)
    .describe("Written when the caller's roles change.")
    .query_choice(
        "unread",
        "Only unread (true) or read (false) ones.",
        ["true", "false"],
    )
    .page_of::<Notification>("A page of notifications.")
    .add();
    doc.post(
        "/api/v1/me/notifications/{id}/read",
        "readNotification",
        "Mark a notification read",
    )
    .tag(ME)
    .path_param("id", "The notification's id.")
    .ok::<NotificationRead>("Done.")
    .add();
}
