// Tickets and live verification: an active key is P1 "revoke now", an
// inactive one is recorded as verified inactive on its date; both survive
// a rerun that did not verify, and neither writes more than the hint.
#include <gtest/gtest.h>

#include "keyward/tickets.h"
#include "support/run.h"
#include "tickets/ticket_fixtures.h"

namespace keyward {
namespace {

using namespace ticket_fixtures;

Finding Verified(const std::string& status, Severity sev) {
  Finding f = MakeFinding(kSecretA, "docs/notes.txt", 3, sev);
  Verification v;
  v.status = status;
  v.date = "2026-03-01";
  v.account = status == "active" ? "octocat" : "";
  f.verification = v;
  return f;
}

TEST(TicketVerificationTest, ActiveKeyIsTopPriorityRevokeNow) {
  auto t = BuildTickets({Verified("active", Severity::kLow)}, {}, Rules(),
                        Opts())[0];
  EXPECT_EQ(t.priority, "P1");  // a low-severity rule, but it works
  EXPECT_EQ(t.action, TicketAction::kRevokeNow);
  EXPECT_EQ(t.verification,
            "active on 2026-03-01 (account octocat): revoke now");
  std::string md = TicketToMarkdown(t);
  EXPECT_NE(md.find("| Verification | active on 2026-03-01"),
            std::string::npos);
  EXPECT_EQ(md.find(kSecretA), std::string::npos);
}

TEST(TicketVerificationTest, InactiveKeyIsRecordedAndNotForcedToP1) {
  auto plain = BuildTickets({MakeFinding(kSecretA, "docs/notes.txt", 3)}, {},
                            Rules(), Opts())[0];
  auto t = BuildTickets({Verified("inactive", Severity::kHigh)}, {}, Rules(),
                        Opts())[0];
  EXPECT_EQ(t.verification, "verified inactive on 2026-03-01");
  EXPECT_EQ(t.priority_score, plain.priority_score - 2);
  EXPECT_EQ(plain.priority, "P1");  // an exposed high key
  EXPECT_NE(t.priority, "P1");
}

TEST(TicketVerificationTest, RerunWithoutVerifyKeepsTheVerdict) {
  test::TempDir dir;
  TicketOptions opts = Opts();
  TicketStore store(dir.path());
  ASSERT_TRUE(store
                  .Update(BuildTickets({Verified("active", Severity::kHigh)},
                                       {}, Rules(), opts),
                          {TicketFormat::kJson}, opts)
                  .ok());
  ASSERT_TRUE(
      store
          .Update(BuildTickets({MakeFinding(kSecretA, "docs/notes.txt", 3)}, {},
                               Rules(), opts),
                  {TicketFormat::kJson}, opts)
          .ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0].verification,
            "active on 2026-03-01 (account octocat): revoke now");
}

}  // namespace
}  // namespace keyward
