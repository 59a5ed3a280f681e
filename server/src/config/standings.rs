//! The standings' settings: how often ranks are recomputed, and the retirement cycle.

use app::standings::{VoteWeights, pictures::RetirementRules};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandingsSettings {
    /// How often the ranking job recomputes scores and ranks, in seconds; 0 turns it off.
    pub rank_every_secs: u64,
    /// How often counted views are written to the database, in seconds (at least 1).
    pub views_write_every_secs: u64,
    /// Days between retirement cycles; 0 turns retirement off.
    pub retire_every_days: u32,
    /// Views a picture needs before it can retire: fewer, and it has not been judged.
    pub retire_min_views: i64,
    /// Days after its upload during which a picture never retires.
    pub retire_min_age_days: u32,
    /// Pictures whose cautious score is in this bottom share, in percent (0–50), retire.
    pub retire_bottom_percent: f64,
    /// Days a retired picture is kept, visible to its owner, before it is deleted.
    pub retire_grace_days: u32,
    /// Trust weighting: votes from voters with little history count for less in scores and
    /// ranks (off by default; the "about the scores" page says what is on).
    pub trust_weighting: bool,
    /// With trust weighting, the votes a voter must have cast for theirs to count in full;
    /// until then each counts (votes cast ÷ this). At least 2.
    pub trust_full_after_votes: u32,
}

impl Default for StandingsSettings {
    fn default() -> Self {
        Self {
            rank_every_secs: 60,
            views_write_every_secs: 5,
            retire_every_days: 7,
            retire_min_views: 50,
            retire_min_age_days: 7,
            retire_bottom_percent: 5.0,
            retire_grace_days: 30,
            trust_weighting: false,
            trust_full_after_votes: 10,
        }
    }
}

impl StandingsSettings {
    pub(super) fn validate(&self) -> Result<(), String> {
        if self.views_write_every_secs == 0 {
            return Err("standings.views_write_every_secs must be at least 1".into());
        }
        if !(0.0..=50.0).contains(&self.retire_bottom_percent) {
            return Err("standings.retire_bottom_percent must be from 0 to 50".into());
        }
        if self.retire_min_views < 1 {
            return Err("standings.retire_min_views must be at least 1".into());
        }
        if self.trust_weighting && self.trust_full_after_votes < 2 {
            return Err("standings.trust_full_after_votes must be at least 2".into());
        }
        if self.retire_min_age_days < 1 || self.retire_grace_days < 1 {
            return Err(
                "standings.retire_min_age_days and retire_grace_days must be at least 1".into()
            );
        }
        Ok(())
    }

    pub fn views_write_every(&self) -> Duration {
        Duration::from_secs(self.views_write_every_secs)
    }

    /// The retirement cycle's period; zero when it is off.
    pub fn retire_every(&self) -> Duration {
        Duration::from_secs(u64::from(self.retire_every_days) * 86_400)
    }

    /// How much each counted vote weighs in the ranking job's scores.
    pub fn vote_weights(&self) -> VoteWeights {
        if self.trust_weighting {
            VoteWeights::ByHistory { full_after: self.trust_full_after_votes }
        } else {
            VoteWeights::Equal
        }
    }

    pub fn retirement_rules(&self) -> RetirementRules {
        RetirementRules {
            every_days: self.retire_every_days,
            min_views: self.retire_min_views,
            min_age_days: self.retire_min_age_days,
            bottom_percent: self.retire_bottom_percent,
            grace_days: self.retire_grace_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_bad_thresholds_are_named() {
        assert_eq!(StandingsSettings::default().validate(), Ok(()));
        let bad = StandingsSettings { retire_bottom_percent: 80.0, ..Default::default() };
        assert!(bad.validate().unwrap_err().contains("retire_bottom_percent"));
        let bad = StandingsSettings { retire_grace_days: 0, ..Default::default() };
        assert!(bad.validate().unwrap_err().contains("grace"));
        assert_eq!(StandingsSettings::default().vote_weights(), VoteWeights::Equal);
        let weighted = StandingsSettings { trust_weighting: true, ..Default::default() };
        assert_eq!(weighted.vote_weights(), VoteWeights::ByHistory { full_after: 10 });
        let bad = StandingsSettings { trust_full_after_votes: 1, ..weighted };
        assert!(bad.validate().unwrap_err().contains("trust_full_after_votes"));
    }
}
