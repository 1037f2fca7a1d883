//! Priority and the impact × urgency matrix that derives it, so priority is computed by one rule instead of chosen by hand.

use super::impact::{Impact, Urgency};
use crate::text_enum::text_enum;

text_enum! {
    pub enum Priority {
        Critical => "critical",
        High => "high",
        Moderate => "moderate",
        Low => "low",
        Planning => "planning",
    }
}

impl Priority {
    /// 1 = critical, 5 = planning: a smaller level is a higher priority.
    pub const fn level(self) -> u8 {
        match self {
            Self::Critical => 1,
            Self::High => 2,
            Self::Moderate => 3,
            Self::Low => 4,
            Self::Planning => 5,
        }
    }

    pub const fn from_level(level: u8) -> Option<Self> {
        match level {
            1 => Some(Self::Critical),
            2 => Some(Self::High),
            3 => Some(Self::Moderate),
            4 => Some(Self::Low),
            5 => Some(Self::Planning),
            _ => None,
        }
    }
}

/// A complete, monotonic impact × urgency → priority table.
///
/// Kept private so that every matrix in existence went through [`PriorityMatrix::from_cells`]
/// or is the default, and therefore has all nine cells and never lowers priority as impact
/// or urgency rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorityMatrix {
    /// Indexed `[impact.level() - 1][urgency.level() - 1]`.
    table: [[Priority; 3]; 3],
}

impl Default for PriorityMatrix {
    /// The matrix observed in the "Incident management process enriched event log"
    /// (Amaral, Fantinato, Peres; UCI Machine Learning Repository, CC BY 4.0,
    /// DOI 10.24432/C57S4H).
    /// It comes from a real organisation's ServiceNow audit log rather than a textbook, which
    /// is why low impact × low urgency is "low" and "planning" is never produced.
    fn default() -> Self {
        use Priority::{Critical, High, Low, Moderate};
        Self {
            table: [
                [Critical, High, Moderate],
                [High, Moderate, Low],
                [Moderate, Low, Low],
            ],
        }
    }
}

fn index(level: u8) -> usize {
    usize::from(level) - 1
}

fn cell_name(impact: Impact, urgency: Urgency) -> String {
    format!("(impact {impact}, urgency {urgency})")
}

impl PriorityMatrix {
    pub fn priority(&self, impact: Impact, urgency: Urgency) -> Priority {
        self.table[index(impact.level())][index(urgency.level())]
    }

    /// Builds a matrix from configuration: exactly the nine cells, each once, monotonic.
    pub fn from_cells(cells: &[(Impact, Urgency, Priority)]) -> Result<Self, String> {
        let mut table: [[Option<Priority>; 3]; 3] = [[None; 3]; 3];
        for &(impact, urgency, priority) in cells {
            let slot = &mut table[index(impact.level())][index(urgency.level())];
            if slot.is_some() {
                return Err(format!(
                    "cell {} is given more than once",
                    cell_name(impact, urgency)
                ));
            }
            *slot = Some(priority);
        }

        let mut full = [[Priority::Planning; 3]; 3];
        for &impact in Impact::ALL {
            for &urgency in Urgency::ALL {
                let (i, u) = (index(impact.level()), index(urgency.level()));
                full[i][u] = table[i][u]
                    .ok_or_else(|| format!("cell {} is missing", cell_name(impact, urgency)))?;
            }
        }

        let matrix = Self { table: full };
        matrix.check_monotonic()?;
        Ok(matrix)
    }

    /// Comparing each cell with its neighbour one step lower in impact and one step lower in
    /// urgency is enough: monotonicity along every longer path follows by transitivity.
    fn check_monotonic(&self) -> Result<(), String> {
        for &impact in Impact::ALL {
            for &urgency in Urgency::ALL {
                let here = self.priority(impact, urgency);
                let lower_neighbours = [
                    Impact::from_level(impact.level() + 1).map(|i| (i, urgency)),
                    Urgency::from_level(urgency.level() + 1).map(|u| (impact, u)),
                ];
                for (lower_impact, lower_urgency) in lower_neighbours.into_iter().flatten() {
                    let there = self.priority(lower_impact, lower_urgency);
                    if here.level() > there.level() {
                        return Err(format!(
                            "cell {} gives {here}, a lower priority than {there} for {}",
                            cell_name(impact, urgency),
                            cell_name(lower_impact, lower_urgency)
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// All nine cells, impact high → low, then urgency high → low.
    pub fn cells(&self) -> Vec<(Impact, Urgency, Priority)> {
        Impact::ALL
            .iter()
            .flat_map(|&impact| {
                Urgency::ALL
                    .iter()
                    .map(move |&urgency| (impact, urgency, self.priority(impact, urgency)))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::assert_text_encoding;
    use proptest::prelude::*;
    use proptest::sample::select;

    fn level_cells(levels: [[u8; 3]; 3]) -> Vec<(Impact, Urgency, Priority)> {
        let mut cells = Vec::new();
        for (i, row) in levels.iter().enumerate() {
            for (u, &level) in row.iter().enumerate() {
                let (Some(impact), Some(urgency), Some(priority)) = (
                    Impact::from_level(i as u8 + 1),
                    Urgency::from_level(u as u8 + 1),
                    Priority::from_level(level),
                ) else {
                    panic!("bad test levels");
                };
                cells.push((impact, urgency, priority));
            }
        }
        cells
    }

    fn brute_force_monotonic(levels: &[[u8; 3]; 3]) -> bool {
        (0..3).all(|i| {
            (0..3).all(|u| {
                (0..3).all(|i2| (0..3).all(|u2| i > i2 || u > u2 || levels[i][u] <= levels[i2][u2]))
            })
        })
    }

    #[test]
    fn priority_text_and_levels() {
        assert_eq!(Priority::Moderate.as_str(), "moderate");
        assert_eq!(Priority::parse("planning"), Ok(Priority::Planning));
        assert!(Priority::parse("medium").is_err());
        assert_eq!(
            Priority::ALL.iter().map(|p| p.level()).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        assert_eq!(Priority::from_level(0), None);
        assert_eq!(Priority::from_level(6), None);
    }

    #[test]
    fn default_matrix_table() {
        use Impact as I;
        use Priority as P;
        use Urgency as U;
        let expected = [
            (I::High, U::High, P::Critical),
            (I::High, U::Medium, P::High),
            (I::High, U::Low, P::Moderate),
            (I::Medium, U::High, P::High),
            (I::Medium, U::Medium, P::Moderate),
            (I::Medium, U::Low, P::Low),
            (I::Low, U::High, P::Moderate),
            (I::Low, U::Medium, P::Low),
            (I::Low, U::Low, P::Low),
        ];
        let matrix = PriorityMatrix::default();
        for (impact, urgency, priority) in expected {
            assert_eq!(
                matrix.priority(impact, urgency),
                priority,
                "{impact} {urgency}"
            );
        }
        assert_eq!(matrix.cells(), expected);
    }

    #[test]
    fn default_matrix_is_monotonic() {
        let matrix = PriorityMatrix::default();
        assert_eq!(matrix.check_monotonic(), Ok(()));
        assert_eq!(PriorityMatrix::from_cells(&matrix.cells()), Ok(matrix));
    }

    #[test]
    fn names_the_missing_cell() {
        let mut cells = PriorityMatrix::default().cells();
        cells.remove(4);
        assert_eq!(
            PriorityMatrix::from_cells(&cells),
            Err("cell (impact medium, urgency medium) is missing".into())
        );
        assert_eq!(
            PriorityMatrix::from_cells(&[]),
            Err("cell (impact high, urgency high) is missing".into())
        );
    }

    #[test]
    fn names_the_duplicated_cell() {
        let mut cells = PriorityMatrix::default().cells();
        cells.push((Impact::Low, Urgency::High, Priority::Moderate));
        assert_eq!(
            PriorityMatrix::from_cells(&cells),
            Err("cell (impact low, urgency high) is given more than once".into())
        );
    }

    #[test]
    fn names_the_cell_that_breaks_monotonicity() {
        let cells = level_cells([[1, 2, 3], [2, 3, 4], [3, 4, 4]])
            .into_iter()
            .map(|(i, u, p)| {
                if (i, u) == (Impact::High, Urgency::Low) {
                    (i, u, Priority::Planning)
                } else {
                    (i, u, p)
                }
            })
            .collect::<Vec<_>>();
        assert_eq!(
            PriorityMatrix::from_cells(&cells),
            Err("cell (impact high, urgency low) gives planning, a lower priority than low for (impact medium, urgency low)".into())
        );
    }

    fn monotonic_levels() -> impl Strategy<Value = [[u8; 3]; 3]> {
        any::<[[u8; 3]; 3]>().prop_map(|raw| {
            let mut levels = [[0u8; 3]; 3];
            for i in 0..3_usize {
                for u in 0..3_usize {
                    // Never better than the more severe neighbours: that is monotonicity.
                    let floor = [
                        i.checked_sub(1).map_or(1, |p| levels[p][u]),
                        u.checked_sub(1).map_or(1, |p| levels[i][p]),
                    ];
                    levels[i][u] = (raw[i][u] % 5 + 1).max(floor[0]).max(floor[1]);
                }
            }
            levels
        })
    }

    proptest! {
        #[test]
        fn priority_text_round_trips(priority in select(Priority::ALL)) {
            assert_text_encoding(priority, priority.as_str(), Priority::parse);
        }

        #[test]
        fn priority_levels_round_trip(level in any::<u8>()) {
            prop_assert_eq!(
                Priority::from_level(level).map(Priority::level),
                (1..=5).contains(&level).then_some(level)
            );
        }

        #[test]
        fn only_exact_priority_texts_parse(text in "\\PC{0,10}|[a-z]{1,9}") {
            if let Ok(priority) = Priority::parse(&text) {
                prop_assert_eq!(priority.as_str(), text.as_str());
            }
        }

        #[test]
        fn cells_round_trip_in_any_order(
            cells in monotonic_levels().prop_flat_map(|levels| Just(level_cells(levels)).prop_shuffle())
        ) {
            let matrix = PriorityMatrix::from_cells(&cells);
            prop_assert!(matrix.is_ok(), "{:?}", matrix);
            if let Ok(matrix) = matrix {
                prop_assert_eq!(PriorityMatrix::from_cells(&matrix.cells()), Ok(matrix));
                for (impact, urgency, priority) in cells {
                    prop_assert_eq!(matrix.priority(impact, urgency), priority);
                }
            }
        }

        #[test]
        fn accepts_exactly_the_monotonic_tables(raw in any::<[[u8; 3]; 3]>()) {
            let levels = raw.map(|row| row.map(|l| l % 5 + 1));
            prop_assert_eq!(
                PriorityMatrix::from_cells(&level_cells(levels)).is_ok(),
                brute_force_monotonic(&levels)
            );
        }
    }
}
