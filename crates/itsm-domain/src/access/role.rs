//! The roles of the requirements' §3.5 role set, plus the named roles §3.3–3.4 give authorities
//! to (general manager, deputy GM, service department manager, performance reporter) and the
//! system administrator who manages accounts but decides nothing in the processes.

use super::scope::ScopeKind;
use crate::text_enum::text_enum;

text_enum! {
    pub enum Role {
        Admin => "admin",
        TopManagement => "top_management",
        ManagementRep => "management_rep",
        GeneralManager => "general_manager",
        DeputyGeneralManager => "deputy_general_manager",
        SmManager => "sm_manager",
        ServiceDeptManager => "service_dept_manager",
        ProcessOwner => "process_owner",
        ProcessManager => "process_manager",
        ServiceOwner => "service_owner",
        Practitioner => "practitioner",
        ServiceDesk => "service_desk",
        ChangeManager => "change_manager",
        ProblemManager => "problem_manager",
        ConfigManager => "config_manager",
        Slm => "slm",
        SecurityManager => "security_manager",
        SupplierManager => "supplier_manager",
        ContinuityManager => "continuity_manager",
        CapacityManager => "capacity_manager",
        Finance => "finance",
        Sales => "sales",
        Commerce => "commerce",
        Hr => "hr",
        PerformanceReporter => "performance_reporter",
        InternalAuditor => "internal_auditor",
        ExternalAuditor => "external_auditor",
        Customer => "customer",
    }
}

impl Role {
    /// What a grant of this role must be scoped to; `None`: the role is held everywhere.
    pub const fn scope_kind(self) -> Option<ScopeKind> {
        match self {
            Self::ProcessOwner | Self::ProcessManager => Some(ScopeKind::Process),
            Self::ServiceOwner => Some(ScopeKind::Service),
            Self::Customer => Some(ScopeKind::Customer),
            _ => None,
        }
    }

    /// Auditors read, never write.
    pub const fn is_read_only(self) -> bool {
        matches!(self, Self::InternalAuditor | Self::ExternalAuditor)
    }

    pub const fn title(self) -> &'static str {
        self.about().0
    }

    pub const fn description(self) -> &'static str {
        self.about().1
    }

    /// Where the seeds name the role.
    pub const fn source(self) -> &'static str {
        self.about().2
    }

    const fn about(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Admin => (
                "System administrator",
                "Manages user accounts, API tokens, role grants and schema migrations; takes no decision inside the processes.",
                "inferred (operation of the API)",
            ),
            Self::TopManagement => (
                "Top management",
                "Sets service management policy and objectives, allocates resources and approves major changes to the management system.",
                "[000] key-post table",
            ),
            Self::ManagementRep => (
                "Management representative",
                "Keeps the management system conforming, reports its performance, organises internal audits and management reviews, approves SLAs and procedure documents.",
                "[000]; [001 §1.4.1.2, §2.2.3–2.2.4]",
            ),
            Self::GeneralManager => (
                "General manager",
                "Approves changes to the service management manual and its release to third parties.",
                "[001 §1.4.4.1, §1.4.5.2]",
            ),
            Self::DeputyGeneralManager => (
                "Deputy general manager in charge",
                "Reviews the disclosure of the manual to third parties before the general manager approves it.",
                "[001 §1.4.5.2]",
            ),
            Self::SmManager => (
                "Service management manager",
                "Runs the management system day to day, supervises the service management plan and reports its performance.",
                "[000] key-post table",
            ),
            Self::ServiceDeptManager => (
                "Service department manager",
                "Runs the service contracts and tailors the tailorable processes to each contract.",
                "[001 §2.1.4.1]",
            ),
            Self::ProcessOwner => (
                "Process owner",
                "Designs one process, sets its standards and KPIs, and decides on its compliance and improvement.",
                "[000] process-role table",
            ),
            Self::ProcessManager => (
                "Process manager",
                "Runs one process day to day, schedules its resources, decides routine issues and reports its performance.",
                "[000] process-role table",
            ),
            Self::ServiceOwner => (
                "Service owner",
                "Accountable for one service over its lifecycle, including its changes and its retirement.",
                "[000] process-role table",
            ),
            Self::Practitioner => (
                "Process practitioner",
                "Carries out process tasks and reports problems to the process manager or owner.",
                "[000] process-role table",
            ),
            Self::ServiceDesk => (
                "Service desk",
                "Receives, records, classifies and prioritises incidents and service requests and gives first-line support.",
                "[000] key-post table",
            ),
            Self::ChangeManager => (
                "Change management team",
                "Assesses the risk and impact of change requests and approves or rejects them.",
                "[000] key-post table",
            ),
            Self::ProblemManager => (
                "Problem management team",
                "Investigates root causes and approves and implements problem solutions.",
                "[000] key-post table",
            ),
            Self::ConfigManager => (
                "Configuration management team",
                "Keeps configuration information accurate, updates the CMS and approves changes to configuration items.",
                "[000] key-post table",
            ),
            Self::Slm => (
                "Service level management team",
                "Negotiates and defines SLAs and monitors performance against them.",
                "[000] key-post table",
            ),
            Self::SecurityManager => (
                "Information security management team",
                "Takes information security decisions and runs the security controls.",
                "[000] key-post table",
            ),
            Self::SupplierManager => (
                "Supplier management team",
                "Assesses, selects and monitors suppliers.",
                "[000] key-post table",
            ),
            Self::ContinuityManager => (
                "Service continuity manager",
                "Writes, tests and maintains the continuity plan and invokes it.",
                "[000] other roles; [001 §6.3.1.2]",
            ),
            Self::CapacityManager => (
                "Infrastructure (capacity) manager",
                "Looks after infrastructure performance and capacity.",
                "[000] other roles",
            ),
            Self::Finance => (
                "Finance",
                "Consolidates budgets and approves budget changes.",
                "[001 §3.2.2, §6.4.2]",
            ),
            Self::Sales => (
                "Sales department",
                "Signs SLAs on behalf of the customer and collects their satisfaction.",
                "[001 §2.2.4, §6.1.5]",
            ),
            Self::Commerce => (
                "Commerce department",
                "Signs supporting contracts with suppliers.",
                "[001 §6.1.7]",
            ),
            Self::Hr => (
                "Human resources",
                "Keeps staff records of education, training, skills and experience.",
                "[001 §2.3.3–2.3.4]",
            ),
            Self::PerformanceReporter => (
                "Performance-reporting staff",
                "Collects and analyses performance data and publishes reports.",
                "[000] other roles",
            ),
            Self::InternalAuditor => (
                "Internal auditor",
                "Audits the management system; reads everything, changes nothing.",
                "[003]; inferred (§3.5)",
            ),
            Self::ExternalAuditor => (
                "External auditor",
                "Certification auditor; reads what is addressed to auditors, changes nothing.",
                "[000]; inferred (§3.5)",
            ),
            Self::Customer => (
                "Customer contact",
                "A person of one customer organisation: reports incidents, follows that organisation's records.",
                "[004-12]; inferred (§3.5)",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;

    #[test]
    fn every_role_has_one_text_form_and_a_description() {
        for role in Role::ALL {
            assert_text_encoding(*role, role.as_str(), Role::parse);
            assert!(!role.title().is_empty() && role.description().ends_with('.'));
        }
        assert_eq!(Role::ALL.len(), 28);
    }

    #[test]
    fn only_owners_managers_and_customers_are_scoped() {
        let scoped: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| r.scope_kind().is_some())
            .collect();
        assert_eq!(
            scoped,
            [
                Role::ProcessOwner,
                Role::ProcessManager,
                Role::ServiceOwner,
                Role::Customer
            ]
        );
        assert!(Role::ExternalAuditor.is_read_only() && !Role::ServiceDesk.is_read_only());
    }
}
