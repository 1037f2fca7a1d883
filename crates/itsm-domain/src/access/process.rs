//! The processes authorities belong to, and which of them a customer contract may leave out
//! (seed 001 §2.1.4.1, requirements §2.0).

use crate::text_enum::text_enum;

text_enum! {
    pub enum Process {
        ServiceDesk => "service_desk",
        Incident => "incident",
        ServiceRequest => "service_request",
        Problem => "problem",
        Change => "change",
        Configuration => "configuration",
        Release => "release",
        ServiceLevel => "service_level",
        Catalogue => "catalogue",
        Reporting => "reporting",
        AvailabilityContinuity => "availability_continuity",
        Capacity => "capacity",
        Security => "security",
        Finance => "finance",
        BusinessRelationship => "business_relationship",
        Supplier => "supplier",
        Knowledge => "knowledge",
        ManagementSystem => "management_system",
    }
}

text_enum! {
    /// Whether a contract may switch the process off.
    pub enum Tailoring {
        /// "A complete service project must include" it.
        Mandatory => "mandatory",
        /// The service department manager may select it per contract.
        Tailorable => "tailorable",
        /// Not among the contract's thirteen processes; always available.
        AlwaysOn => "always_on",
    }
}

impl Process {
    pub const fn tailoring(self) -> Tailoring {
        match self {
            Self::ServiceDesk
            | Self::Incident
            | Self::BusinessRelationship
            | Self::Security
            | Self::Supplier
            | Self::Finance => Tailoring::Mandatory,
            Self::Problem
            | Self::Release
            | Self::Configuration
            | Self::Change
            | Self::AvailabilityContinuity
            | Self::Capacity
            | Self::ServiceLevel
            | Self::Reporting => Tailoring::Tailorable,
            Self::ServiceRequest | Self::Catalogue | Self::Knowledge | Self::ManagementSystem => {
                Tailoring::AlwaysOn
            }
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            Self::ServiceDesk => "Service desk",
            Self::Incident => "Incident management",
            Self::ServiceRequest => "Service request management",
            Self::Problem => "Problem management",
            Self::Change => "Change management",
            Self::Configuration => "Configuration management",
            Self::Release => "Release and deployment management",
            Self::ServiceLevel => "Service level management",
            Self::Catalogue => "Service catalogue management",
            Self::Reporting => "Service reporting",
            Self::AvailabilityContinuity => "Availability and continuity management",
            Self::Capacity => "Capacity management",
            Self::Security => "Information security management",
            Self::Finance => "Budgeting and accounting for IT services",
            Self::BusinessRelationship => "Business relationship management",
            Self::Supplier => "Supplier management",
            Self::Knowledge => "Knowledge management",
            Self::ManagementSystem => "Service management system",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;

    #[test]
    fn six_mandatory_and_eight_tailorable_processes_as_the_seed_lists_them() {
        let count = |t: Tailoring| Process::ALL.iter().filter(|p| p.tailoring() == t).count();
        assert_eq!(count(Tailoring::Mandatory), 6);
        assert_eq!(count(Tailoring::Tailorable), 8);
        for process in Process::ALL {
            assert_text_encoding(*process, process.as_str(), Process::parse);
        }
        for tailoring in Tailoring::ALL {
            assert_text_encoding(*tailoring, tailoring.as_str(), Tailoring::parse);
        }
    }
}
