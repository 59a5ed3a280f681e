//! The leaderboards' queries. Each reads one index in its order from the cursor on (keyset
//! pagination: page 1,000 costs what page 1 does), and takes the site's rule from
//! [`may_see`]: tiles of pictures the viewer has not rated are locked.

use crate::{
    server::{
        visibility::{TileRow, may_see},
        voter::VoterId,
    },
    standings::boards::{Board, BoardCursor, BoardPage, TILES_PER_PAGE},
};
use sqlx::PgPool;

/// A leaderboard's row: the tile's columns and the value it is ordered by.
#[derive(sqlx::FromRow)]
struct BoardRow {
    #[sqlx(flatten)]
    tile: TileRow,
    order_value: f64,
}

/// The order's SQL: what a row's place is (`order_value`), which rows come after the cursor
/// (`$1`, `$2`), and the order. Ties go to the newest picture.
fn order(board: Board) -> (&'static str, &'static str, &'static str) {
    match board {
        Board::Top => (
            "p.rank::float8",
            "(p.rank, p.submission_id) > ($1::float8::int4, $2::int8)",
            "p.rank, p.submission_id",
        ),
        Board::Hot => (
            "p.hot",
            "(p.hot, p.submission_id) < ($1::float8, $2::int8)",
            "p.hot DESC, p.submission_id DESC",
        ),
        Board::New => ("s.id::float8", "s.id < $2::int8 AND $1::float8 IS NOT NULL", "s.id DESC"),
        Board::Divisive => (
            "p.spread",
            "(p.spread, p.submission_id) < ($1::float8, $2::int8)",
            "p.spread DESC, p.submission_id DESC",
        ),
    }
}

fn board_sql(board: Board) -> String {
    let (value, after, order) = order(board);
    // New pictures are listed before the ranking job has seen them.
    let (standings_join, only) = match board {
        Board::New => ("LEFT JOIN", "TRUE"),
        Board::Divisive => ("JOIN", "p.spread IS NOT NULL"),
        Board::Top | Board::Hot => ("JOIN", "TRUE"),
    };
    format!(
        "SELECT s.id, s.title, s.image_key, s.backdrop_rgb, s.subject_rgb,
                t.vote_count, t.rating_sum, {visible} AS visible,
                p.rank, site.pictures AS ranked_of, {value} AS order_value
           FROM submissions s
           JOIN tallies t ON t.submission_id = s.id
           {standings_join} picture_standings p ON p.submission_id = s.id
           LEFT JOIN site_standings site ON p.rank IS NOT NULL
          WHERE s.retired_at IS NULL AND {only} AND ($2::int8 IS NULL OR ({after}))
          ORDER BY {order}
          LIMIT $4",
        visible = may_see("$3", "s"),
    )
}

/// One page of `board` for `viewer`, after `cursor` (the first page without one).
pub async fn load_board(
    pool: &PgPool,
    viewer: VoterId,
    board: Board,
    cursor: Option<BoardCursor>,
) -> Result<BoardPage, sqlx::Error> {
    // Composed at run time: the visibility rule is one SQL fragment shared by every list.
    let mut rows: Vec<BoardRow> = sqlx::query_as(&board_sql(board))
        .bind(cursor.map(|c| c.value))
        .bind(cursor.map(|c| c.id))
        .bind(viewer)
        .bind(TILES_PER_PAGE + 1)
        .fetch_all(pool)
        .await?;
    let more = i64::try_from(rows.len()).is_ok_and(|n| n > TILES_PER_PAGE);
    rows.truncate(usize::try_from(TILES_PER_PAGE).unwrap_or(usize::MAX));
    let next = rows
        .last()
        .filter(|_| more)
        .map(|row| BoardCursor { value: row.order_value, id: row.tile.id }.encode());
    Ok(BoardPage {
        board,
        tiles: rows.into_iter().filter_map(|row| row.tile.into_tile()).collect(),
        next,
        later_page: cursor.is_some(),
    })
}
