//! How a picture stands: the formulas behind its scores, shared by the ranking job (which runs
//! the same arithmetic in SQL over every picture at once), the picture pages and the page that
//! explains the scores. Pure functions of counts, tested against values worked by hand.
//!
//! - The **mean** of a few votes says little: one 10 is not a better picture than a hundred 9s.
//! - The **Bayesian score** pulls a picture's mean towards the site-wide mean `C` by `m`
//!   imaginary votes: `WR = v/(v+m)·R + m/(v+m)·C`. Few votes: close to `C`; many: close to `R`.
//!   `C` and `m` (about the median number of votes a picture has) are recomputed every cycle.
//! - The **cautious score** is a lower bound: the score a picture has at least, with 95 %
//!   confidence, given its histogram (Evan Miller, "Ranking items with star ratings": a Dirichlet
//!   prior of one imaginary vote per rating, normal approximation, z = 1.65). It decides which
//!   pictures retire, because a picture with few votes cannot be judged bad on luck alone.
//! - **Hot** mixes a picture's points (how far its votes are above the middle, 5.5) with how
//!   recently it arrived, as Reddit's and Lemmy's hot ranks do: ten times the points are worth
//!   12.5 hours. A picture's hot value changes only when it gets votes (the passing of time is in
//!   every newer picture's head start), so the leaderboard is an index scan.
//! - The **spread** is the standard deviation of a picture's ratings: the divisive ones.
//! - **Vote weights** (optional, off by default): with [`VoteWeights::ByHistory`], a vote from
//!   a voter who has cast few votes counts as a fraction of a vote in every score above (not in
//!   the plain mean, which stays the mean of the counted votes). A voter's weight follows their
//!   history as it is now, so a newcomer's early votes count in full once they have voted enough.

pub mod boards;
pub mod pictures;

/// Ratings go from 1 to 10: the histogram has ten counters.
pub const RATINGS: usize = 10;
/// One-sided 95 %: how cautious the lower bound is.
pub const CAUTION_Z: f64 = 1.65;

/// How many votes each rating got: `counts[0]` is the number of 1s, `counts[9]` of 10s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Histogram(pub [i64; RATINGS]);

impl Histogram {
    pub fn votes(&self) -> i64 {
        self.0.iter().sum()
    }

    /// The sum of the ratings (`rating × count` over all ratings).
    pub fn rating_sum(&self) -> i64 {
        self.weighted(|rating| rating)
    }

    /// The sum of the squared ratings, for the spread.
    pub fn square_sum(&self) -> i64 {
        self.weighted(|rating| rating * rating)
    }

    fn weighted(&self, weight: impl Fn(i64) -> i64) -> i64 {
        (1..).zip(self.0).map(|(rating, count)| weight(rating) * count).sum()
    }
}

/// The plain mean rating, if there are votes.
#[allow(clippy::cast_precision_loss)] // vote counts stay far below 2^52
pub fn mean(votes: i64, rating_sum: i64) -> Option<f64> {
    (votes > 0).then(|| rating_sum as f64 / votes as f64)
}

/// How much one counted vote weighs in the scores and ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum VoteWeights {
    /// Every counted vote weighs the same (the default).
    #[default]
    Equal,
    /// A voter's votes weigh `votes cast ÷ full_after` each until they have cast `full_after`
    /// (at least 2), then 1: a one-vote visitor's rating counts a tenth at 10.
    ByHistory { full_after: u32 },
}

impl VoteWeights {
    /// What each vote of a voter who has cast `votes_cast` votes weighs, from 0 to 1.
    pub fn weight(self, votes_cast: i64) -> f64 {
        match self {
            Self::Equal => 1.0,
            Self::ByHistory { full_after } => {
                let full_after = full_after.max(1);
                if votes_cast >= i64::from(full_after) {
                    1.0
                } else {
                    // Below `full_after` (a u32), so exact in an f64.
                    #[allow(clippy::cast_precision_loss)]
                    let cast = votes_cast.max(0) as f64;
                    cast / f64::from(full_after)
                }
            }
        }
    }

    /// The ranking statement's parameter: the votes a voter needs to count in full, 0 when
    /// every vote weighs the same.
    pub fn full_after(self) -> i32 {
        match self {
            Self::Equal => 0,
            Self::ByHistory { full_after } => i32::try_from(full_after).unwrap_or(i32::MAX),
        }
    }

    /// The other way round, from what the ranking run stored (`None` or 0: equal).
    pub fn from_full_after(full_after: Option<i32>) -> Self {
        match full_after.and_then(|n| u32::try_from(n).ok()) {
            Some(full_after) if full_after > 1 => Self::ByHistory { full_after },
            _ => Self::Equal,
        }
    }
}

/// A picture's votes, each counted by its weight: what the scores are worked out from.
/// With equal weights these are the tally's own counts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WeightedVotes {
    pub votes: f64,
    pub rating_sum: f64,
    /// The sum of the squared ratings.
    pub square_sum: f64,
}

impl WeightedVotes {
    /// Adds one vote of `rating` weighing `weight`.
    pub fn add(&mut self, rating: u8, weight: f64) {
        let rating = f64::from(rating);
        self.votes += weight;
        self.rating_sum += weight * rating;
        self.square_sum += weight * rating * rating;
    }
}

impl From<&Histogram> for WeightedVotes {
    #[allow(clippy::cast_precision_loss)] // vote counts stay far below 2^52
    fn from(histogram: &Histogram) -> Self {
        Self {
            votes: histogram.votes() as f64,
            rating_sum: histogram.rating_sum() as f64,
            square_sum: histogram.square_sum() as f64,
        }
    }
}

/// The Bayesian score: the mean pulled towards the site's mean `site_mean` by `prior_votes`
/// imaginary votes. With no votes it is `site_mean`.
#[allow(clippy::cast_precision_loss)]
pub fn bayesian(votes: i64, rating_sum: i64, site_mean: f64, prior_votes: f64) -> f64 {
    let votes =
        WeightedVotes { votes: votes as f64, rating_sum: rating_sum as f64, square_sum: 0.0 };
    weighted_bayesian(&votes, site_mean, prior_votes)
}

/// [`bayesian`] of weighted votes.
pub fn weighted_bayesian(votes: &WeightedVotes, site_mean: f64, prior_votes: f64) -> f64 {
    let count = votes.votes.max(0.0);
    if count + prior_votes <= 0.0 {
        return site_mean;
    }
    (votes.rating_sum + prior_votes * site_mean) / (count + prior_votes)
}

/// The fair or cautious score a page shows for a picture: worked out from its live tally when
/// every vote weighs the same; the last ranking run's (`ranked`) when votes were weighted by
/// history, which the tally alone cannot say. A picture not ranked yet shows the live one.
pub fn shown_score(weights: VoteWeights, ranked: Option<f64>, live: f64) -> f64 {
    match (weights, ranked) {
        (VoteWeights::ByHistory { .. }, Some(ranked)) => ranked,
        _ => live,
    }
}

/// The cautious score (a lower bound on the rating, see the module's comment). With no votes it
/// is about 4.07: the prior alone, one imaginary vote per rating, is spread widely.
pub fn lower_bound(histogram: &Histogram) -> f64 {
    weighted_lower_bound(&histogram.into())
}

/// [`lower_bound`] of weighted votes.
#[allow(clippy::cast_precision_loss)]
pub fn weighted_lower_bound(votes: &WeightedVotes) -> f64 {
    let n = votes.votes.max(0.0) + RATINGS as f64;
    // The prior adds one vote per rating: 1+2+…+10 = 55, 1+4+…+100 = 385.
    let mean = (votes.rating_sum + 55.0) / n;
    let second_moment = (votes.square_sum + 385.0) / n;
    let variance = (second_moment - mean * mean).max(0.0);
    mean - CAUTION_Z * (variance / (n + 1.0)).sqrt()
}

/// Where the hot order's clock starts (2026-01-01 UTC), in seconds since 1970.
pub const HOT_EPOCH_SECS: f64 = 1_767_225_600.0;
/// How many seconds of newer arrival are worth ten times the points.
pub const HOT_TENFOLD_SECS: f64 = 45_000.0;
/// Fewer votes than this say nothing about how divisive a picture is.
pub const MIN_VOTES_FOR_SPREAD: i64 = 5;

/// A picture's points: how far its votes are, in total, above the middle rating (5.5).
#[allow(clippy::cast_precision_loss)]
pub fn points(votes: i64, rating_sum: i64) -> f64 {
    weighted_points(&WeightedVotes {
        votes: votes as f64,
        rating_sum: rating_sum as f64,
        square_sum: 0.0,
    })
}

/// [`points`] of weighted votes.
pub fn weighted_points(votes: &WeightedVotes) -> f64 {
    votes.rating_sum - 5.5 * votes.votes
}

/// The hot value of a picture with `points` that arrived at `arrived_secs` (Unix time).
pub fn hot(points: f64, arrived_secs: f64) -> f64 {
    // signum(0) is 1 in Rust, but log10(1) is 0: no points, no lift.
    points.signum() * points.abs().max(1.0).log10()
        + (arrived_secs - HOT_EPOCH_SECS) / HOT_TENFOLD_SECS
}

/// The standard deviation of the ratings, once there are enough of them.
pub fn spread(histogram: &Histogram) -> Option<f64> {
    weighted_spread(&histogram.into())
}

/// [`spread`] of weighted votes (enough: weighing at least as much as that many full votes).
#[allow(clippy::cast_precision_loss)]
pub fn weighted_spread(votes: &WeightedVotes) -> Option<f64> {
    (votes.votes >= MIN_VOTES_FOR_SPREAD as f64).then(|| {
        let mean = votes.rating_sum / votes.votes;
        (votes.square_sum / votes.votes - mean * mean).max(0.0).sqrt()
    })
}

/// Votes per view: how often seeing a picture ends in a vote (below 1 when voters leave).
#[allow(clippy::cast_precision_loss)]
pub fn votes_per_view(votes: i64, views: i64) -> Option<f64> {
    (views > 0).then(|| votes.max(0) as f64 / views as f64)
}

/// How often a picture is shared for how often it is seen, smoothed so that a picture with few
/// views does not top the list on one share.
#[allow(clippy::cast_precision_loss)]
pub fn virality(shares: i64, views: i64) -> f64 {
    (shares.max(0) as f64 + 1.0) / (views.max(0) as f64 + 20.0)
}

/// The share of pictures a picture ranked `rank` of `count` is at least as good as, in percent:
/// #1 is 100, the last of 4 is 25.
#[allow(clippy::cast_precision_loss)]
pub fn percentile(rank: i64, count: i64) -> Option<f64> {
    (count > 0 && (1..=count).contains(&rank))
        .then(|| (count - rank + 1) as f64 / count as f64 * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn only(rating: usize, count: i64) -> Histogram {
        let mut counts = [0; RATINGS];
        counts[rating - 1] = count;
        Histogram(counts)
    }

    #[test]
    fn the_mean_needs_votes() {
        assert_eq!(mean(0, 0), None);
        assert_eq!(mean(4, 30), Some(7.5));
    }

    #[test]
    fn the_bayesian_score_moves_from_the_site_mean_to_the_picture_mean() {
        // No votes: the site's mean. m votes of R: halfway. Many: nearly R.
        assert!(close(bayesian(0, 0, 6.0, 5.0), 6.0));
        assert!(close(bayesian(5, 50, 6.0, 5.0), 8.0));
        assert!(close(bayesian(995, 9950, 6.0, 5.0), (9950.0 + 30.0) / 1000.0));
        // One 10 is not better than a hundred 9s.
        assert!(bayesian(1, 10, 6.0, 5.0) < bayesian(100, 900, 6.0, 5.0));
        // No prior and no votes: nothing to divide by, the site's mean.
        assert!(close(bayesian(0, 0, 6.0, 0.0), 6.0));
    }

    #[test]
    fn the_cautious_score_against_values_worked_by_hand() {
        // No votes: mean 55/10 = 5.5, second moment 38.5, variance 8.25, /11, √ · 1.65.
        assert!(close(lower_bound(&Histogram::default()), 5.5 - 1.65 * (8.25f64 / 11.0).sqrt()));
        assert!(close(lower_bound(&Histogram::default()), 4.071_058_083_755_677));
        // One 10: mean 65/11, second moment 485/11, n + 1 = 12.
        assert!(close(lower_bound(&only(10, 1)), 4.466_437_104_465_558));
        // A hundred 10s: mean 1055/110.
        assert!(close(lower_bound(&only(10, 100)), 9.347_100_625_987_204));
        // A hundred 1s, three 10s, three 1s.
        assert!(close(lower_bound(&only(1, 100)), 1.165_282_444_169_021));
        assert!(close(lower_bound(&only(10, 3)), 5.148_088_892_486_886));
        assert!(close(lower_bound(&only(1, 3)), 3.071_165_815_563_809));
    }

    #[test]
    fn more_of_the_same_votes_raise_confidence() {
        assert!(lower_bound(&only(9, 100)) > lower_bound(&only(9, 3)));
        assert!(lower_bound(&only(10, 1)) < lower_bound(&only(9, 100)));
    }

    #[test]
    fn weights_grow_with_a_voters_history_and_equal_weights_change_nothing() {
        let by_history = VoteWeights::ByHistory { full_after: 10 };
        assert!(close(by_history.weight(1), 0.1));
        assert!(close(by_history.weight(5), 0.5));
        assert!(close(by_history.weight(10), 1.0));
        assert!(close(by_history.weight(500), 1.0));
        assert!(close(VoteWeights::Equal.weight(1), 1.0));
        // Stored and read back; 0, 1 and nothing all mean equal weights.
        assert_eq!(VoteWeights::from_full_after(Some(by_history.full_after())), by_history);
        for stored in [None, Some(0), Some(1), Some(-3)] {
            assert_eq!(VoteWeights::from_full_after(stored), VoteWeights::Equal);
        }
        // Full weights give the integer formulas' results.
        let histogram = Histogram([1, 0, 0, 0, 0, 0, 0, 0, 2, 1]);
        let mut weighted = WeightedVotes::default();
        for (rating, count) in [(1, 1), (9, 2), (10, 1)] {
            for _ in 0..count {
                weighted.add(rating, 1.0);
            }
        }
        assert_eq!(weighted, WeightedVotes::from(&histogram));
        assert!(close(weighted_lower_bound(&weighted), lower_bound(&histogram)));
        assert!(close(weighted_bayesian(&weighted, 6.0, 5.0), bayesian(4, 29, 6.0, 5.0)));
    }

    #[test]
    fn a_crowd_of_one_vote_newcomers_moves_a_weighted_score_a_tenth_as_much() {
        let weights = VoteWeights::ByHistory { full_after: 10 };
        let (mut equal, mut weighted) = (WeightedVotes::default(), WeightedVotes::default());
        for _ in 0..20 {
            equal.add(10, 1.0);
            weighted.add(10, weights.weight(1));
        }
        // Twenty 10s: as much as two full votes.
        assert!(close(weighted.votes, 2.0));
        assert!(close(weighted_bayesian(&weighted, 5.0, 5.0), (20.0 + 25.0) / 7.0));
        assert!(weighted_bayesian(&weighted, 5.0, 5.0) < weighted_bayesian(&equal, 5.0, 5.0));
    }

    #[test]
    fn the_histogram_sums() {
        let histogram = Histogram([1, 0, 0, 0, 0, 0, 0, 0, 2, 1]);
        assert_eq!(histogram.votes(), 4);
        assert_eq!(histogram.rating_sum(), 1 + 18 + 10);
        assert_eq!(histogram.square_sum(), 1 + 162 + 100);
    }

    #[test]
    fn hot_rises_with_points_and_with_newness() {
        let now = HOT_EPOCH_SECS + 1_000_000.0;
        assert!(close(hot(0.0, HOT_EPOCH_SECS), 0.0));
        // Ten times the points are worth 45,000 s; below the middle, a picture sinks.
        assert!(close(hot(100.0, now), hot(10.0, now + HOT_TENFOLD_SECS)));
        assert!(close(hot(-100.0, now), hot(0.0, now) - 2.0));
        // A point or less is no lift: log10(1) = 0.
        assert!(close(hot(0.5, now), hot(0.0, now)));
        assert!(close(points(4, 30), 8.0));
    }

    #[test]
    fn the_spread_needs_five_votes() {
        assert_eq!(spread(&only(10, 4)), None);
        assert_eq!(spread(&only(10, 5)), Some(0.0));
        // Five 1s and five 10s: mean 5.5, every rating 4.5 away.
        let split = Histogram([5, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
        assert!(close(spread(&split).unwrap(), 4.5));
        assert_eq!(votes_per_view(3, 0), None);
        assert_eq!(votes_per_view(3, 4), Some(0.75));
    }

    #[test]
    fn virality_and_percentile() {
        assert!(close(virality(0, 0), 1.0 / 20.0));
        assert!(close(virality(4, 80), 0.05));
        assert_eq!(percentile(1, 4), Some(100.0));
        assert_eq!(percentile(4, 4), Some(25.0));
        assert_eq!(percentile(5, 4), None);
        assert_eq!(percentile(1, 0), None);
    }
}
