//! The authority table: each row of the requirements' §3.4 decision matrix (and the reads and
//! writes the components need) as an authority granted to roles. Components name authorities
//! through [`names`], so a typo is a compile error; the tests below check the table is whole.

use super::process::Process;
use super::role::Role;

/// One authority: what it allows, in which process, to which roles, on whose word.
#[derive(Debug)]
pub struct AuthorityDef {
    pub name: &'static str,
    pub process: Process,
    pub description: &'static str,
    pub source: &'static str,
    /// Scoped roles hold it only within the scope of their grant.
    pub holders: &'static [Role],
}

/// Everyone who does process work: not the auditors (who read), customers or the administrator.
const STAFF: &[Role] = &[
    Role::TopManagement,
    Role::ManagementRep,
    Role::GeneralManager,
    Role::DeputyGeneralManager,
    Role::SmManager,
    Role::ServiceDeptManager,
    Role::ProcessOwner,
    Role::ProcessManager,
    Role::ServiceOwner,
    Role::Practitioner,
    Role::ServiceDesk,
    Role::ChangeManager,
    Role::ProblemManager,
    Role::ConfigManager,
    Role::Slm,
    Role::SecurityManager,
    Role::SupplierManager,
    Role::ContinuityManager,
    Role::CapacityManager,
    Role::Finance,
    Role::Sales,
    Role::Commerce,
    Role::Hr,
    Role::PerformanceReporter,
];

/// `base` followed by `extra`: reader groups that widen another group, written once. `N` must be
/// the sum of the lengths; a wrong `N` fails the build.
const fn joined<const N: usize>(base: &[Role], extra: &[Role]) -> [Role; N] {
    assert!(base.len() + extra.len() == N, "N is the length of both");
    let mut out = [Role::Admin; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < base.len() {
            base[i]
        } else {
            extra[i - base.len()]
        };
        i += 1;
    }
    out
}

/// Staff and the auditors, who read what staff read.
const STAFF_AND_AUDITORS: &[Role] =
    &joined::<26>(STAFF, &[Role::InternalAuditor, Role::ExternalAuditor]);

/// Everyone with a role but the administrator: the published catalogue is for customers too.
const STAFF_AUDITORS_AND_CUSTOMERS: &[Role] = &joined::<27>(STAFF_AND_AUDITORS, &[Role::Customer]);

pub static AUTHORITIES: &[AuthorityDef] = &[
    AuthorityDef {
        name: names::SMS_CHANGE_APPROVE,
        process: Process::ManagementSystem,
        description: "Approve major changes to the service management system (policy, scope, structure).",
        source: "[000] key-post table",
        holders: &[Role::TopManagement],
    },
    AuthorityDef {
        name: names::RESOURCE_ALLOCATE,
        process: Process::ManagementSystem,
        description: "Allocate people, materials and money; a service owner for its service, a process manager for its process.",
        source: "[000]",
        holders: &[
            Role::TopManagement,
            Role::ServiceOwner,
            Role::ProcessManager,
        ],
    },
    AuthorityDef {
        name: names::POLICY_PUBLISH,
        process: Process::ManagementSystem,
        description: "Set and publish the service management policy and objectives.",
        source: "[000]; [001 §2.1.7]",
        holders: &[Role::TopManagement],
    },
    AuthorityDef {
        name: names::DOCUMENT_APPROVE,
        process: Process::ManagementSystem,
        description: "Approve the first issue of the manual and procedure documents for release.",
        source: "[001 §1.4.1.2, §2.2.3]",
        holders: &[Role::ManagementRep],
    },
    AuthorityDef {
        name: names::DOCUMENT_REVISION_APPROVE,
        process: Process::ManagementSystem,
        description: "Approve changes to the service management manual.",
        source: "[001 §1.4.4.1]",
        holders: &[Role::GeneralManager],
    },
    AuthorityDef {
        name: names::DOCUMENT_DISCLOSURE_REVIEW,
        process: Process::ManagementSystem,
        description: "Review the disclosure of the manual to third parties.",
        source: "[001 §1.4.5.2]",
        holders: &[Role::DeputyGeneralManager],
    },
    AuthorityDef {
        name: names::DOCUMENT_DISCLOSURE_APPROVE,
        process: Process::ManagementSystem,
        description: "Approve the disclosure of the manual to third parties, after review.",
        source: "[001 §1.4.5.2]",
        holders: &[Role::GeneralManager],
    },
    AuthorityDef {
        name: names::AUDIT_PLAN,
        process: Process::ManagementSystem,
        description: "Plan and organise internal audits.",
        source: "[000]; [001 §2.1.11–12]; [003]",
        holders: &[Role::ManagementRep],
    },
    AuthorityDef {
        name: names::REVIEW_CREATE,
        process: Process::ManagementSystem,
        description: "Organise management reviews.",
        source: "[000]; [001 §2.1.11–12]",
        holders: &[Role::ManagementRep],
    },
    AuthorityDef {
        name: names::NONCONFORMITY_CLOSE,
        process: Process::ManagementSystem,
        description: "Close nonconformities once corrective action is taken.",
        source: "[000] (inferred enforcement)",
        holders: &[Role::ManagementRep],
    },
    AuthorityDef {
        name: names::PROCESS_CONFIGURE,
        process: Process::ManagementSystem,
        description: "Define a process's design, standards and KPIs (for example the incident priority matrix); only for the owner's own process.",
        source: "[000] process-role table",
        holders: &[Role::ProcessOwner],
    },
    AuthorityDef {
        name: names::ESCALATE,
        process: Process::ManagementSystem,
        description: "Report a problem upward to the process manager or owner.",
        source: "[000] process-role table",
        holders: STAFF,
    },
    AuthorityDef {
        name: names::AUDIT_READ,
        process: Process::ManagementSystem,
        description: "Read the audit trail and verify its hash chain.",
        source: "[001 §2.2.1]; [002 §3.1] (inferred enforcement)",
        holders: &[
            Role::ManagementRep,
            Role::InternalAuditor,
            Role::ExternalAuditor,
        ],
    },
    AuthorityDef {
        name: names::USER_READ,
        process: Process::ManagementSystem,
        description: "Read users and their role assignments.",
        source: "inferred (§3.5, least privilege)",
        holders: &[
            Role::Admin,
            Role::TopManagement,
            Role::SmManager,
            Role::Hr,
            Role::InternalAuditor,
            Role::ExternalAuditor,
        ],
    },
    AuthorityDef {
        name: names::USER_WRITE,
        process: Process::ManagementSystem,
        description: "Create, update and deactivate users.",
        source: "inferred (§3.5)",
        holders: &[Role::Admin, Role::Hr],
    },
    AuthorityDef {
        name: names::ROLE_GRANT,
        process: Process::ManagementSystem,
        description: "Grant, revoke and re-evaluate role assignments; a process owner only process managers of its own process.",
        source: "[000] (roles assigned and re-evaluated)",
        holders: &[Role::Admin, Role::TopManagement, Role::ProcessOwner],
    },
    AuthorityDef {
        name: names::TOKEN_MANAGE,
        process: Process::ManagementSystem,
        description: "Issue and revoke other users' API tokens (everyone manages their own).",
        source: "inferred (security)",
        holders: &[Role::Admin],
    },
    AuthorityDef {
        name: names::ADMIN_MIGRATE,
        process: Process::ManagementSystem,
        description: "Apply schema migrations.",
        source: "inferred (operation)",
        holders: &[Role::Admin],
    },
    AuthorityDef {
        name: names::REPORT_PUBLISH,
        process: Process::Reporting,
        description: "Publish performance reports.",
        source: "[000] other roles",
        holders: &[Role::PerformanceReporter],
    },
    AuthorityDef {
        name: names::REPORT_READ,
        process: Process::Reporting,
        description: "Read the reports addressed to one; a customer contact only its own organisation's.",
        source: "[000]; [002 §7.3]",
        holders: &[
            Role::TopManagement,
            Role::ManagementRep,
            Role::SmManager,
            Role::PerformanceReporter,
            Role::InternalAuditor,
            Role::ExternalAuditor,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::CHANGE_APPROVE,
        process: Process::Change,
        description: "Approve or reject a change request; a service owner for its own service.",
        source: "[000] key-post and process-role tables",
        holders: &[Role::ChangeManager, Role::ServiceOwner],
    },
    AuthorityDef {
        name: names::CHANGE_ASSESS,
        process: Process::Change,
        description: "Assess the risk and impact of a change request.",
        source: "[000] key-post table",
        holders: &[Role::ChangeManager],
    },
    AuthorityDef {
        name: names::SERVICE_RETIRE,
        process: Process::Catalogue,
        description: "Retire a service; only its owner.",
        source: "[000] process-role table",
        holders: &[Role::ServiceOwner],
    },
    AuthorityDef {
        name: names::SERVICE_READ,
        process: Process::Catalogue,
        description: "Read the service portfolio and the catalogue's working copy.",
        source: "[001 §6.1.1] (read access inferred)",
        holders: STAFF_AND_AUDITORS,
    },
    AuthorityDef {
        name: names::CATALOGUE_WRITE,
        process: Process::Catalogue,
        description: "Add services, move them through their lifecycle (bar retirement) and write catalogue entries; a service owner for its own service.",
        source: "[001 §6.1.1] (the service department compiles the catalogue with the relevant departments)",
        holders: &[Role::ServiceDeptManager, Role::ServiceOwner],
    },
    AuthorityDef {
        name: names::CATALOGUE_PUBLISH,
        process: Process::Catalogue,
        description: "Publish the catalogue as a new version to its recipients.",
        source: "[001 §6.1.1]; [004-7 §4.3] (publishing as a controlled release inferred)",
        holders: &[Role::ServiceDeptManager],
    },
    AuthorityDef {
        name: names::CATALOGUE_READ,
        process: Process::Catalogue,
        description: "Read the published catalogue; customers choose services from it.",
        source: "[004-1 §1]",
        holders: STAFF_AUDITORS_AND_CUSTOMERS,
    },
    AuthorityDef {
        name: names::CI_CHANGE_APPROVE,
        process: Process::Configuration,
        description: "Approve changes to configuration items.",
        source: "[000] key-post table",
        holders: &[Role::ConfigManager],
    },
    AuthorityDef {
        name: names::CI_WRITE,
        process: Process::Configuration,
        description: "Create and update configuration items in the CMS.",
        source: "[000] key-post table",
        holders: &[Role::ConfigManager],
    },
    AuthorityDef {
        name: names::CI_READ,
        process: Process::Configuration,
        description: "Read the CMS.",
        source: "[000] (read access inferred)",
        holders: &[
            Role::ConfigManager,
            Role::ServiceDesk,
            Role::Practitioner,
            Role::ProblemManager,
            Role::ChangeManager,
            Role::InternalAuditor,
            Role::ExternalAuditor,
        ],
    },
    AuthorityDef {
        name: names::PROBLEM_SOLUTION_APPROVE,
        process: Process::Problem,
        description: "Approve a problem's solution for implementation.",
        source: "[000] key-post table",
        holders: &[Role::ProblemManager],
    },
    AuthorityDef {
        name: names::PROBLEM_INVESTIGATE,
        process: Process::Problem,
        description: "Investigate problems and record root causes and workarounds.",
        source: "[000] key-post table",
        holders: &[Role::ProblemManager, Role::Practitioner],
    },
    AuthorityDef {
        name: names::PROBLEM_REPORT,
        process: Process::Problem,
        description: "Log a problem and link the incidents it causes.",
        source: "[000] service desk row (problem reports); [001 §2.1.4.2.1 (2)] (inferred)",
        holders: &[Role::ServiceDesk, Role::Practitioner, Role::ProblemManager],
    },
    AuthorityDef {
        name: names::PROBLEM_READ,
        process: Process::Problem,
        description: "Read problems and known errors; a process owner or manager of the problem process all of them.",
        source: "[000] information-access authority (inferred)",
        holders: &[
            Role::ProcessOwner,
            Role::ProcessManager,
            Role::ServiceDesk,
            Role::Practitioner,
            Role::SmManager,
            Role::ProblemManager,
            Role::ChangeManager,
            Role::ConfigManager,
            Role::InternalAuditor,
            Role::ExternalAuditor,
        ],
    },
    AuthorityDef {
        name: names::KNOWLEDGE_READ,
        process: Process::Knowledge,
        description: "Read the knowledge base; a customer contact only the published articles meant for customers.",
        source: "[002 §6.3]; [004-13] (readers inferred)",
        holders: STAFF_AUDITORS_AND_CUSTOMERS,
    },
    AuthorityDef {
        name: names::KNOWLEDGE_WRITE,
        process: Process::Knowledge,
        description: "Write and revise knowledge articles (solutions to common problems, best practices, fault-handling procedures) and link them to problems, known errors and services.",
        source: "[002 §6.3 item 3] (holders inferred)",
        holders: &[
            Role::ServiceDesk,
            Role::Practitioner,
            Role::ProblemManager,
            Role::ChangeManager,
            Role::ProcessOwner,
            Role::ProcessManager,
        ],
    },
    AuthorityDef {
        name: names::KNOWLEDGE_PUBLISH,
        process: Process::Knowledge,
        description: "Publish, review and retire knowledge articles; a process owner or manager for the knowledge process.",
        source: "[002 §6.3 item 3] regular update (holders inferred)",
        holders: &[
            Role::SmManager,
            Role::ProblemManager,
            Role::ProcessOwner,
            Role::ProcessManager,
        ],
    },
    AuthorityDef {
        name: names::SLA_READ,
        process: Process::ServiceLevel,
        description: "Read agreements, their versions and targets, and the business calendars.",
        source: "[000] monitoring authority; [001 §6.2.3] reporting against targets (readers inferred)",
        holders: STAFF_AND_AUDITORS,
    },
    AuthorityDef {
        name: names::SLA_WRITE,
        process: Process::ServiceLevel,
        description: "Negotiate and define SLA terms, review them, and keep the business calendars.",
        source: "[000] key-post table",
        holders: &[Role::Slm],
    },
    AuthorityDef {
        name: names::SLA_SIGN,
        process: Process::ServiceLevel,
        description: "Sign an SLA on behalf of the customer.",
        source: "[001 §2.2.4, §6.1.5]",
        holders: &[Role::Sales],
    },
    AuthorityDef {
        name: names::SLA_APPROVE,
        process: Process::ServiceLevel,
        description: "Approve an SLA before it is implemented.",
        source: "[001 §2.2.4]",
        holders: &[Role::ManagementRep],
    },
    AuthorityDef {
        name: names::SUPPLIER_CONTRACT_SIGN,
        process: Process::Supplier,
        description: "Sign supporting contracts with suppliers.",
        source: "[001 §6.1.7]",
        holders: &[Role::Commerce],
    },
    AuthorityDef {
        name: names::SUPPLIER_EVALUATE,
        process: Process::Supplier,
        description: "Assess and select suppliers and monitor their performance.",
        source: "[000] key-post table",
        holders: &[Role::SupplierManager],
    },
    AuthorityDef {
        name: names::SECURITY_DECIDE,
        process: Process::Security,
        description: "Take information security decisions and run security controls.",
        source: "[000] key-post table",
        holders: &[Role::SecurityManager],
    },
    AuthorityDef {
        name: names::BUDGET_CHANGE_APPROVE,
        process: Process::Finance,
        description: "Approve budget changes.",
        source: "[001 §3.2.2, §6.4.2–6.4.3]",
        holders: &[Role::Finance],
    },
    AuthorityDef {
        name: names::CONTINUITY_INVOKE,
        process: Process::AvailabilityContinuity,
        description: "Invoke the continuity plan.",
        source: "[001 §6.3.1.2] (owner inferred)",
        holders: &[Role::ContinuityManager],
    },
    AuthorityDef {
        name: names::CONTRACT_PROCESSES_SET,
        process: Process::BusinessRelationship,
        description: "Switch a customer contract's tailorable processes on or off.",
        source: "[001 §2.1.4.1]",
        holders: &[Role::ServiceDeptManager],
    },
    AuthorityDef {
        name: names::CUSTOMER_READ,
        process: Process::BusinessRelationship,
        description: "Read customer organisations and their contacts; a contact only its own organisation.",
        source: "inferred (§3.5)",
        holders: &[
            Role::Admin,
            Role::SmManager,
            Role::ServiceDeptManager,
            Role::ServiceDesk,
            Role::Sales,
            Role::InternalAuditor,
            Role::ExternalAuditor,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::CUSTOMER_WRITE,
        process: Process::BusinessRelationship,
        description: "Create and update customer organisations and their contacts.",
        source: "[001 §2.1.4] (inferred enforcement)",
        holders: &[Role::Admin, Role::ServiceDeptManager],
    },
    AuthorityDef {
        name: names::INCIDENT_READ,
        process: Process::Incident,
        description: "Read incidents; a customer contact only its own organisation's; a process owner or manager of the incident process all of them.",
        source: "[000] information-access authority",
        holders: &[
            Role::ProcessOwner,
            Role::ProcessManager,
            Role::ServiceDesk,
            Role::Practitioner,
            Role::SmManager,
            Role::ProblemManager,
            Role::ChangeManager,
            Role::SecurityManager,
            Role::InternalAuditor,
            Role::ExternalAuditor,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::INCIDENT_CREATE,
        process: Process::Incident,
        description: "Report an incident; a customer contact for its own organisation.",
        source: "[000] handling authority",
        holders: &[Role::ServiceDesk, Role::Practitioner, Role::Customer],
    },
    AuthorityDef {
        name: names::INCIDENT_WRITE,
        process: Process::Incident,
        description: "Classify, prioritise, assign, update, resolve and close incidents.",
        source: "[000] handling authority",
        holders: &[Role::ServiceDesk, Role::Practitioner],
    },
    AuthorityDef {
        name: names::INCIDENT_MAJOR,
        process: Process::Incident,
        description: "Declare a major incident or stand it down, name its emergency response team and record its post-incident review; a process owner or manager for the incident process.",
        source: "[002 §6.4] (holders inferred)",
        holders: &[Role::SmManager, Role::ProcessOwner, Role::ProcessManager],
    },
    AuthorityDef {
        name: names::INCIDENT_SECURITY,
        process: Process::Incident,
        description: "Read and handle information security incidents, which nobody else sees but whoever reported them.",
        source: "[004-4 §3.4]; [002 §5.4]",
        holders: &[Role::SecurityManager],
    },
    AuthorityDef {
        name: names::SCHEDULE_RUN,
        process: Process::ManagementSystem,
        description: "Call the tick routes that carry out what falls due with time (closing unconfirmed resolutions); for the scheduler's account.",
        source: "inferred (operation of the API)",
        holders: &[Role::Admin],
    },
    AuthorityDef {
        name: names::REQUEST_READ,
        process: Process::ServiceRequest,
        description: "Read service requests; a customer contact only its own organisation's.",
        source: "[000] information-access authority",
        holders: &[
            Role::ServiceDesk,
            Role::Practitioner,
            Role::SmManager,
            Role::InternalAuditor,
            Role::ExternalAuditor,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::REQUEST_CREATE,
        process: Process::ServiceRequest,
        description: "Order a service request; a customer contact for its own organisation.",
        source: "[000] handling authority",
        holders: &[Role::ServiceDesk, Role::Practitioner, Role::Customer],
    },
    AuthorityDef {
        name: names::REQUEST_WRITE,
        process: Process::ServiceRequest,
        description: "Handle and fulfil service requests.",
        source: "[000] handling authority",
        holders: &[Role::ServiceDesk, Role::Practitioner],
    },
    AuthorityDef {
        name: names::COMPLAINT_READ,
        process: Process::BusinessRelationship,
        description: "Read customer complaints and feedback; a customer contact only its own organisation's.",
        source: "[002 §4.3, §7.1][004-9 Art. 10] (holders inferred)",
        holders: &[
            Role::ProcessOwner,
            Role::ProcessManager,
            Role::ServiceDesk,
            Role::Slm,
            Role::Sales,
            Role::SmManager,
            Role::ServiceDeptManager,
            Role::InternalAuditor,
            Role::ExternalAuditor,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::COMPLAINT_CREATE,
        process: Process::BusinessRelationship,
        description: "Record a complaint or feedback: the hotline for a caller, a customer contact for itself.",
        source: "[004-1 §3.1] hotline accepts complaints; [004-9 Art. 9–10]",
        holders: &[
            Role::ServiceDesk,
            Role::Slm,
            Role::Sales,
            Role::ServiceDeptManager,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::COMPLAINT_HANDLE,
        process: Process::BusinessRelationship,
        description: "Respond to complaints and feedback and give the customer the handling result.",
        source: "[002 §4.3.2, §6.1] customer success; [004-1 §3.1] hotline replies with results",
        holders: &[
            Role::ProcessOwner,
            Role::ProcessManager,
            Role::ServiceDesk,
            Role::Slm,
            Role::Sales,
            Role::ServiceDeptManager,
        ],
    },
    AuthorityDef {
        name: names::SATISFACTION_READ,
        process: Process::BusinessRelationship,
        description: "Read customers' satisfaction ratings and their summary; a customer contact only its own organisation's.",
        source: "[002 §4.3.3, §7.1, §7.3] satisfaction results in reports; [001 §5.1.1] Sales collects satisfaction (holders inferred)",
        holders: &[
            Role::ProcessOwner,
            Role::ProcessManager,
            Role::ServiceDesk,
            Role::Slm,
            Role::Sales,
            Role::SmManager,
            Role::ServiceDeptManager,
            Role::ManagementRep,
            Role::InternalAuditor,
            Role::ExternalAuditor,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::SATISFACTION_RECORD,
        process: Process::BusinessRelationship,
        description: "Rate handled work (an incident, request or complaint): a customer contact for its own organisation, the hotline for a caller.",
        source: "[004-1 §3.1] the hotline's user satisfaction survey; [002 §4.3.1] satisfaction surveys as a feedback channel",
        holders: &[
            Role::ServiceDesk,
            Role::Slm,
            Role::Sales,
            Role::ServiceDeptManager,
            Role::Customer,
        ],
    },
    AuthorityDef {
        name: names::WEBHOOK_MANAGE,
        process: Process::ManagementSystem,
        description: "Set up outbound webhooks (which events go to which receiver), rotate their secrets, send test and repeat deliveries. Deliveries carry records out of the product, so only administrators.",
        source: "inferred (security: information leaving the organisation)",
        holders: &[Role::Admin],
    },
    AuthorityDef {
        name: names::WEBHOOK_READ,
        process: Process::ManagementSystem,
        description: "Read webhook subscriptions and their delivery logs (never their secrets).",
        source: "inferred (auditors read the records of every process)",
        holders: &[Role::Admin, Role::InternalAuditor, Role::ExternalAuditor],
    },
];

pub fn authority(name: &str) -> Option<&'static AuthorityDef> {
    AUTHORITIES.iter().find(|a| a.name == name)
}

/// The authority names, one constant each.
pub mod names {
    pub const SMS_CHANGE_APPROVE: &str = "sms.change.approve";
    pub const RESOURCE_ALLOCATE: &str = "resource.allocate";
    pub const POLICY_PUBLISH: &str = "policy.publish";
    pub const DOCUMENT_APPROVE: &str = "document.approve";
    pub const DOCUMENT_REVISION_APPROVE: &str = "document.revision.approve";
    pub const DOCUMENT_DISCLOSURE_REVIEW: &str = "document.disclosure.review";
    pub const DOCUMENT_DISCLOSURE_APPROVE: &str = "document.disclosure.approve";
    pub const AUDIT_PLAN: &str = "audit.plan";
    pub const REVIEW_CREATE: &str = "review.create";
    pub const NONCONFORMITY_CLOSE: &str = "nonconformity.close";
    pub const PROCESS_CONFIGURE: &str = "process.configure";
    pub const ESCALATE: &str = "escalate";
    pub const AUDIT_READ: &str = "audit.read";
    pub const USER_READ: &str = "user.read";
    pub const USER_WRITE: &str = "user.write";
    pub const ROLE_GRANT: &str = "role.grant";
    pub const TOKEN_MANAGE: &str = "token.manage";
    pub const ADMIN_MIGRATE: &str = "admin.migrate";
    pub const REPORT_PUBLISH: &str = "report.publish";
    pub const REPORT_READ: &str = "report.read";
    pub const CHANGE_APPROVE: &str = "change.approve";
    pub const CHANGE_ASSESS: &str = "change.assess";
    pub const SERVICE_RETIRE: &str = "service.retire";
    pub const SERVICE_READ: &str = "service.read";
    pub const CATALOGUE_WRITE: &str = "catalogue.write";
    pub const CATALOGUE_PUBLISH: &str = "catalogue.publish";
    pub const CATALOGUE_READ: &str = "catalogue.read";
    pub const CI_CHANGE_APPROVE: &str = "ci.change.approve";
    pub const CI_WRITE: &str = "ci.write";
    pub const CI_READ: &str = "ci.read";
    pub const PROBLEM_SOLUTION_APPROVE: &str = "problem.solution.approve";
    pub const PROBLEM_INVESTIGATE: &str = "problem.investigate";
    pub const PROBLEM_REPORT: &str = "problem.report";
    pub const PROBLEM_READ: &str = "problem.read";
    pub const KNOWLEDGE_READ: &str = "knowledge.read";
    pub const KNOWLEDGE_WRITE: &str = "knowledge.write";
    pub const KNOWLEDGE_PUBLISH: &str = "knowledge.publish";
    pub const SLA_READ: &str = "sla.read";
    pub const SLA_WRITE: &str = "sla.write";
    pub const SLA_SIGN: &str = "sla.sign";
    pub const SLA_APPROVE: &str = "sla.approve";
    pub const SUPPLIER_CONTRACT_SIGN: &str = "supplier.contract.sign";
    pub const SUPPLIER_EVALUATE: &str = "supplier.evaluate";
    pub const SECURITY_DECIDE: &str = "security.decide";
    pub const BUDGET_CHANGE_APPROVE: &str = "budget.change.approve";
    pub const CONTINUITY_INVOKE: &str = "continuity.invoke";
    pub const CONTRACT_PROCESSES_SET: &str = "contract.processes.set";
    pub const CUSTOMER_READ: &str = "customer.read";
    pub const CUSTOMER_WRITE: &str = "customer.write";
    pub const INCIDENT_READ: &str = "incident.read";
    pub const INCIDENT_CREATE: &str = "incident.create";
    pub const INCIDENT_WRITE: &str = "incident.write";
    pub const INCIDENT_MAJOR: &str = "incident.major";
    pub const INCIDENT_SECURITY: &str = "incident.security";
    pub const SCHEDULE_RUN: &str = "schedule.run";
    pub const REQUEST_READ: &str = "request.read";
    pub const REQUEST_CREATE: &str = "request.create";
    pub const REQUEST_WRITE: &str = "request.write";
    pub const COMPLAINT_READ: &str = "complaint.read";
    pub const COMPLAINT_CREATE: &str = "complaint.create";
    pub const COMPLAINT_HANDLE: &str = "complaint.handle";
    pub const SATISFACTION_READ: &str = "satisfaction.read";
    pub const SATISFACTION_RECORD: &str = "satisfaction.record";
    pub const WEBHOOK_MANAGE: &str = "webhook.manage";
    pub const WEBHOOK_READ: &str = "webhook.read";

    /// Every name above, in table order.
    pub const ALL: &[&str] = &[
        SMS_CHANGE_APPROVE,
        RESOURCE_ALLOCATE,
        POLICY_PUBLISH,
        DOCUMENT_APPROVE,
        DOCUMENT_REVISION_APPROVE,
        DOCUMENT_DISCLOSURE_REVIEW,
        DOCUMENT_DISCLOSURE_APPROVE,
        AUDIT_PLAN,
        REVIEW_CREATE,
        NONCONFORMITY_CLOSE,
        PROCESS_CONFIGURE,
        ESCALATE,
        AUDIT_READ,
        USER_READ,
        USER_WRITE,
        ROLE_GRANT,
        TOKEN_MANAGE,
        ADMIN_MIGRATE,
        REPORT_PUBLISH,
        REPORT_READ,
        CHANGE_APPROVE,
        CHANGE_ASSESS,
        SERVICE_RETIRE,
        SERVICE_READ,
        CATALOGUE_WRITE,
        CATALOGUE_PUBLISH,
        CATALOGUE_READ,
        CI_CHANGE_APPROVE,
        CI_WRITE,
        CI_READ,
        PROBLEM_SOLUTION_APPROVE,
        PROBLEM_INVESTIGATE,
        PROBLEM_REPORT,
        PROBLEM_READ,
        KNOWLEDGE_READ,
        KNOWLEDGE_WRITE,
        KNOWLEDGE_PUBLISH,
        SLA_READ,
        SLA_WRITE,
        SLA_SIGN,
        SLA_APPROVE,
        SUPPLIER_CONTRACT_SIGN,
        SUPPLIER_EVALUATE,
        SECURITY_DECIDE,
        BUDGET_CHANGE_APPROVE,
        CONTINUITY_INVOKE,
        CONTRACT_PROCESSES_SET,
        CUSTOMER_READ,
        CUSTOMER_WRITE,
        INCIDENT_READ,
        INCIDENT_CREATE,
        INCIDENT_WRITE,
        INCIDENT_MAJOR,
        INCIDENT_SECURITY,
        SCHEDULE_RUN,
        REQUEST_READ,
        REQUEST_CREATE,
        REQUEST_WRITE,
        COMPLAINT_READ,
        COMPLAINT_CREATE,
        COMPLAINT_HANDLE,
        SATISFACTION_READ,
        SATISFACTION_RECORD,
        WEBHOOK_MANAGE,
        WEBHOOK_READ,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_and_the_names_agree_one_to_one() {
        let table: Vec<&str> = AUTHORITIES.iter().map(|a| a.name).collect();
        assert_eq!(table, names::ALL);
        let mut unique = table.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), table.len(), "authority names are unique");
        assert!(authority("change.approve").is_some());
        assert!(authority("change.aprove").is_none());
    }

    #[test]
    fn staff_is_everyone_but_auditors_customers_and_the_administrator() {
        let expected: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| {
                !matches!(
                    r,
                    Role::InternalAuditor | Role::ExternalAuditor | Role::Customer | Role::Admin
                )
            })
            .collect();
        assert_eq!(STAFF, expected.as_slice());
    }

    #[test]
    fn the_wider_reader_groups_are_staff_plus_their_extras() {
        let mut auditors = STAFF.to_vec();
        auditors.extend([Role::InternalAuditor, Role::ExternalAuditor]);
        assert_eq!(STAFF_AND_AUDITORS, auditors.as_slice());
        auditors.push(Role::Customer);
        assert_eq!(STAFF_AUDITORS_AND_CUSTOMERS, auditors.as_slice());
    }

    #[test]
    fn every_authority_has_holders_and_auditors_hold_only_reads() {
        for a in AUTHORITIES {
            assert!(!a.holders.is_empty(), "{} has holders", a.name);
            assert!(!a.description.is_empty() && !a.source.is_empty());
            if !a.name.ends_with(".read") {
                assert!(
                    a.holders.iter().all(|r| !r.is_read_only()),
                    "{} is a write held by an auditor",
                    a.name
                );
            }
        }
    }
}
