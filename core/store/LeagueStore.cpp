#include "store/LeagueStore.h"

#include "store/StoreDatabase.h"
#include "util/Errors.h"
#include "util/WallClock.h"

namespace palaestra {

namespace {

constexpr const char* kLeagueColumns = "id, name, kind, config_json, created_at, status";
constexpr const char* kMemberColumns =
    "id, league_id, role, run_id, checkpoint_id, round, step, league_steps, added_at";

LeagueInfo readLeague(SqliteStatement& s) {
  return {s.columnInt(0),    s.columnText(1),   s.columnText(2),
          s.columnText(3),   s.columnDouble(4), s.columnText(5)};
}

LeagueMember readMember(SqliteStatement& s) {
  return {s.columnInt(0), s.columnInt(1), s.columnText(2),
          s.columnInt(3), s.columnInt(4), static_cast<int>(s.columnInt(5)),
          s.columnInt(6), s.columnInt(7), s.columnDouble(8)};
}

}  // namespace

int64_t LeagueStore::createLeague(const std::string& name, const std::string& kind,
                                  const nlohmann::json& config) {
  return store_.database().run("creating a league", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "INSERT INTO leagues (name, kind, config_json, created_at) VALUES "
                      "(?1, ?2, ?3, ?4)");
    s.bind(1, name);
    s.bind(2, kind);
    s.bind(3, config.dump());
    s.bind(4, nowSeconds());
    s.run();
    return c.lastInsertId();
  });
}

void LeagueStore::setLeagueStatus(int64_t leagueId, const std::string& status) {
  store_.database().run("updating league " + std::to_string(leagueId), [&](SqliteConnection& c) {
    SqliteStatement s(c, "UPDATE leagues SET status = ?2 WHERE id = ?1");
    s.bind(1, leagueId);
    s.bind(2, status);
    s.run();
    if (c.changes() == 0) throw NotFoundError("no league with id " + std::to_string(leagueId));
  });
}

std::vector<LeagueInfo> LeagueStore::leagues() const {
  return store_.database().run("reading leagues", [&](SqliteConnection& c) {
    SqliteStatement s(c, std::string("SELECT ") + kLeagueColumns + " FROM leagues ORDER BY id");
    std::vector<LeagueInfo> result;
    while (s.step()) result.push_back(readLeague(s));
    return result;
  });
}

LeagueInfo LeagueStore::league(int64_t leagueId) const {
  return store_.database().run("reading league " + std::to_string(leagueId),
                               [&](SqliteConnection& c) {
                                 SqliteStatement s(c, std::string("SELECT ") + kLeagueColumns +
                                                          " FROM leagues WHERE id = ?1");
                                 s.bind(1, leagueId);
                                 if (!s.step())
                                   throw NotFoundError("no league with id " +
                                                       std::to_string(leagueId) + " in " +
                                                       store_.path());
                                 return readLeague(s);
                               });
}

int64_t LeagueStore::addMember(LeagueMember m) {
  store_.flush();  // the member's checkpoint and run are committed first
  return store_.database().run("adding a league member", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "INSERT INTO league_members (league_id, role, run_id, checkpoint_id, round,"
                      " step, league_steps, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    s.bind(1, m.leagueId);
    s.bind(2, m.role);
    s.bind(3, m.runId);
    s.bind(4, m.checkpointId);
    s.bind(5, static_cast<int64_t>(m.round));
    s.bind(6, m.step);
    s.bind(7, m.leagueSteps);
    s.bind(8, m.addedAt > 0 ? m.addedAt : nowSeconds());
    s.run();
    return c.lastInsertId();
  });
}

std::vector<LeagueMember> LeagueStore::members(int64_t leagueId) const {
  return store_.database().run("reading league members", [&](SqliteConnection& c) {
    SqliteStatement s(c, std::string("SELECT ") + kMemberColumns +
                             " FROM league_members WHERE league_id = ?1 ORDER BY id");
    s.bind(1, leagueId);
    std::vector<LeagueMember> result;
    while (s.step()) result.push_back(readMember(s));
    return result;
  });
}

void LeagueStore::addGames(int64_t leagueId, const std::vector<LeagueGames>& games) {
  store_.database().transact("recording league games", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "INSERT INTO league_games (league_id, round, learner_run_id, opponent,"
                      " opponent_member_id, games, score) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    for (const LeagueGames& g : games) {
      s.reset();
      s.bind(1, leagueId);
      s.bind(2, static_cast<int64_t>(g.round));
      s.bind(3, g.learnerRunId);
      s.bind(4, g.opponent);
      s.bind(5, g.opponentMemberId);
      s.bind(6, g.games);
      s.bind(7, g.score);
      s.run();
    }
  });
}

std::vector<LeagueGames> LeagueStore::games(int64_t leagueId) const {
  return store_.database().run("reading league games", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "SELECT round, learner_run_id, opponent, opponent_member_id, games, score"
                      " FROM league_games WHERE league_id = ?1 ORDER BY round, id");
    s.bind(1, leagueId);
    std::vector<LeagueGames> result;
    while (s.step())
      result.push_back({static_cast<int>(s.columnInt(0)), s.columnInt(1), s.columnText(2),
                        s.columnOptionalInt(3), s.columnInt(4), s.columnDouble(5)});
    return result;
  });
}

int64_t LeagueStore::addRating(const std::string& scope, const nlohmann::json& result) {
  return store_.database().run("storing a rating", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "INSERT INTO ratings (created_at, scope, result_json) VALUES (?1, ?2, ?3)");
    s.bind(1, nowSeconds());
    s.bind(2, scope);
    s.bind(3, result.dump());
    s.run();
    return c.lastInsertId();
  });
}

std::optional<StoredRating> LeagueStore::latestRating(const std::string& scope) const {
  return store_.database().run("reading ratings", [&](SqliteConnection& c) {
    SqliteStatement s(c,
                      "SELECT id, created_at, scope, result_json FROM ratings"
                      " WHERE ?1 = '' OR scope = ?1 ORDER BY id DESC LIMIT 1");
    s.bind(1, scope);
    if (!s.step()) return std::optional<StoredRating>{};
    StoredRating r{s.columnInt(0), s.columnDouble(1), s.columnText(2), nlohmann::json()};
    try {
      r.result = nlohmann::json::parse(s.columnText(3));
    } catch (const nlohmann::json::exception&) {
      throw StoreError("rating " + std::to_string(r.id) + " in " + store_.path() +
                       " is not valid JSON");
    }
    return std::optional<StoredRating>(std::move(r));
  });
}

}  // namespace palaestra
