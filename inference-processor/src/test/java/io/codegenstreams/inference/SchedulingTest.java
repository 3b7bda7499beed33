package io.codegenstreams.inference;

import io.codegenstreams.inference.fake.FakeBackend;
import io.codegenstreams.inference.fake.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.codegenstreams.inference.fake.FakeEngines.awaitQueued;
import static io.codegenstreams.inference.fake.FakeEngines.get;
import static io.codegenstreams.inference.fake.FakeEngines.req;
import static io.codegenstreams.inference.fake.FakeEngines.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scheduler behaviour over the deterministic fake backend. */
class SchedulingTest {
    private final FakeBackend fake = new FakeBackend();
    /** Drives the scheduler's time in the aging tests: "one aging period has passed" is said, not slept. */
    private final ManualClock clock = new ManualClock();
    private InferenceEngine engine;

    private static InferenceEngine startWithClock(FakeBackend fake, ManualClock clock, Map<String, Object> overrides)
            throws Exception {
        return io.codegenstreams.inference.fake.FakeEngines.start(fake, overrides, clock);
    }

    @AfterEach
    void close() {
        fake.open();
        if (engine != null) {
            engine.close();
        }
    }

    /** Holds the decode thread inside the step of a one-token blocker request. */
    private CompletableFuture<Completion> block() throws Exception {
        fake.hold();
        CompletableFuture<Completion> f = engine.submit(req("BLOCKER", Priority.NORMAL, 1));
        fake.awaitHeld();
        fake.steps.clear();
        return f;
    }

    private List<String> firstAppearances() {
        List<String> order = new ArrayList<>();
        synchronized (fake.steps) {
            for (List<String> step : fake.steps) {
                for (String p : step) {
                    if (!order.contains(p)) {
                        order.add(p);
                    }
                }
            }
        }
        return order;
    }

    /** Lets the held decode thread finish its step and waits inside the next one: that step's rows. */
    private List<String> nextStep() throws InterruptedException {
        int before = fake.steps.size();
        fake.allow(1);
        fake.awaitSteps(before + 1);
        return List.copyOf(fake.steps.get(before));
    }

    /** Every request completes OK with the text it would have had without pauses: {@code tokens} greedy tokens. */
    private static void assertUnchangedText(List<CompletableFuture<Completion>> fs, int tokens) throws Exception {
        for (CompletableFuture<Completion> f : fs) {
            Completion c = get(f);
            assertThat(c.text()).isEqualTo(FakeBackend.expectedText(c.requestId(), tokens));
        }
    }

    @Test
    void shouldAdmitHighThenNormalThenLowWhenAllAreWaiting() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 1));
        block();
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (String p : List.of("L1", "N1", "H1", "L2", "H2", "N2")) {
            Priority prio = p.startsWith("H") ? Priority.HIGH : p.startsWith("N") ? Priority.NORMAL : Priority.LOW;
            fs.add(engine.submit(req(p, prio, 2)));
        }
        awaitQueued(engine, 6);
        fake.open();
        for (CompletableFuture<Completion> f : fs) {
            assertThat(get(f).status()).isEqualTo(CompletionStatus.OK);
        }
        assertThat(firstAppearances()).containsExactly("H1", "H2", "N1", "N2", "L1", "L2");
    }

    @Test
    void shouldServeAgedLowBeforeFreshHighWhenLowWaitedLongerThanTwoAgingPeriods() throws Exception {
        engine = startWithClock(fake, clock, Map.of(EngineConfig.BATCH_MAX_SIZE, 1, EngineConfig.PRIORITY_AGING_MS, 5));
        block();
        CompletableFuture<Completion> low = engine.submit(req("L1", Priority.LOW, 1));
        awaitQueued(engine, 1);
        clock.advance(Duration.ofMillis(60)); // L1 now competes as HIGH minus 10 levels at least
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 1));
        awaitQueued(engine, 2);
        fake.open();
        get(low);
        get(high);
        assertThat(firstAppearances()).containsExactly("L1", "H1");
    }

    @Test
    void shouldAdmitHighWithinOneStepWhenBatchIsFullOfLowerPriority() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 2));
        block();
        CompletableFuture<Completion> l1 = engine.submit(req("L1", Priority.LOW, 30));
        CompletableFuture<Completion> l2 = engine.submit(req("L2", Priority.LOW, 30));
        awaitQueued(engine, 2);
        fake.allow(1);        // the blocker's step ends; L1 and L2 fill the batch
        fake.awaitSteps(1);   // held inside step 0 = [L1, L2]
        assertThat(fake.steps.get(0)).containsExactly("L1", "L2");
        fake.allow(1);
        fake.awaitSteps(2);   // held inside step 1, still [L1, L2]
        CompletableFuture<Completion> h = engine.submit(req("H1", Priority.HIGH, 3));
        awaitQueued(engine, 1);
        fake.open();
        assertThat(get(h).status()).isEqualTo(CompletionStatus.OK);
        assertThat(fake.steps.get(2)).contains("H1"); // the very next step
        // the preempted LOW request resumes and its greedy text is unchanged
        assertThat(get(l1).text()).isEqualTo(FakeBackend.expectedText("L1", 30));
        assertThat(get(l2).text()).isEqualTo(FakeBackend.expectedText("L2", 30));
    }

    @Test
    void shouldTimeOutWithoutRunningWhenDeadlinePassesWhileWaiting() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 1));
        CompletableFuture<Completion> blocker = block();
        Instant deadline = Instant.now().plusMillis(50);
        CompletableFuture<Completion> late = engine.submit(req("LATE", Priority.HIGH, 5).withDeadline(deadline));
        CompletableFuture<Completion> past = engine.submit(req("PAST", Priority.HIGH, 5)
                .withDeadline(Instant.now().minusSeconds(1)));
        awaitQueued(engine, 2);
        while (!Instant.now().isAfter(deadline)) {
            Thread.sleep(5);
        }
        fake.open();
        assertThat(get(blocker).status()).isEqualTo(CompletionStatus.OK);
        for (Completion c : List.of(get(late), get(past))) {
            assertThat(c.status()).isEqualTo(CompletionStatus.TIMEOUT);
            assertThat(c.completionTokens()).isZero();
            assertThat(c.inferenceNanos()).isZero();
        }
        assertThat(firstAppearances()).doesNotContain("LATE", "PAST");
        assertThat(engine.stats().timeouts()).isEqualTo(2);
    }

    @Test
    void shouldRejectAtOnceWhenLaneQueueIsFull() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 1, EngineConfig.QUEUE_CAPACITY_LOW, 2));
        block();
        engine.submit(req("L1", Priority.LOW, 1));
        engine.submit(req("L2", Priority.LOW, 1));
        assertThatThrownBy(() -> engine.submit(req("L3", Priority.LOW, 1)))
                .isInstanceOf(EngineOverloadedException.class)
                .hasMessageContaining("queue.capacity.low")
                .satisfies(e -> assertThat(((InferenceException) e).isRetriable()).isTrue())
                .satisfies(e -> assertThat(((EngineOverloadedException) e).reason())
                        .isEqualTo(EngineOverloadedException.Reason.QUEUE_FULL));
        CompletableFuture<Completion> normal = engine.submit(req("N1", Priority.NORMAL, 1));
        fake.open();
        assertThat(get(normal).status()).isEqualTo(CompletionStatus.OK);
        assertThat(engine.stats().rejected()).isEqualTo(1);
    }

    @Test
    void shouldThrowUnknownModelWhenModelIsNotDeclared() throws Exception {
        engine = start(fake, Map.of());
        assertThatThrownBy(() -> engine.submit(req("X", Priority.LOW, 1).withModel("nope")))
                .isInstanceOf(UnknownModelException.class).hasMessageContaining("models");
    }

    @Test
    void shouldKeepReservedKvBytesUnderBudgetWhenAdmitting() throws Exception {
        // each request reserves (prompt 3 + 10 new) x 100 bytes = 1300; budget fits two
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 8, EngineConfig.KV_BUDGET_BYTES, 2700));
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            fs.add(engine.submit(req("K" + i, Priority.NORMAL, 10)));
        }
        for (int i = 0; i < 6; i++) {
            assertThat(get(fs.get(i)).text()).isEqualTo(FakeBackend.expectedText("K" + i, 10));
        }
        assertThat(fake.steps).allSatisfy(s -> assertThat(s.size()).isLessThanOrEqualTo(2));
        assertThat(engine.stats().kvBytesInFlight()).isZero();
    }

    @Test
    void shouldNotJoinRunningBatchWhenBatchingIsStatic() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCHING_MODE, "static", EngineConfig.BATCH_MAX_SIZE, 4));
        fake.hold();
        CompletableFuture<Completion> first = engine.submit(req("S1", Priority.NORMAL, 20));
        fake.awaitHeld();
        CompletableFuture<Completion> second = engine.submit(req("S2", Priority.HIGH, 5));
        awaitQueued(engine, 1);
        fake.open();
        get(first);
        get(second);
        assertThat(fake.steps).noneSatisfy(s -> assertThat(s).contains("S1", "S2"));
    }

    @Test
    void shouldJoinRunningBatchWhenBatchingIsContinuous() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 4));
        fake.hold();
        CompletableFuture<Completion> first = engine.submit(req("C1", Priority.NORMAL, 40));
        fake.awaitHeld();
        CompletableFuture<Completion> second = engine.submit(req("C2", Priority.NORMAL, 5));
        awaitQueued(engine, 1);
        fake.open();
        assertThat(get(second).batchSize()).isEqualTo(2);
        assertThat(get(first).text()).isEqualTo(FakeBackend.expectedText("C1", 40));
    }

    /** Queues {@code n} LOW requests L1..Ln of {@code tokens} tokens (a backlog when n >= the batch cap). */
    private List<CompletableFuture<Completion>> lowBacklog(int n, int tokens) {
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            fs.add(engine.submit(req("L" + i, Priority.LOW, tokens)));
        }
        return fs;
    }

    private static boolean hasLow(List<String> step) {
        return step.stream().anyMatch(p -> p.startsWith("L"));
    }

    @Test
    void shouldKeepLowOutOfTheBatchWhileHighRunsWhenLowIsBackloggedAndIsolationIsOn() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE, false));
        fake.hold();
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 30));
        fake.awaitHeld();
        List<CompletableFuture<Completion>> lows = lowBacklog(4, 3);
        CompletableFuture<Completion> normal = engine.submit(req("N1", Priority.NORMAL, 3));
        awaitQueued(engine, 5);
        fake.open();
        assertThat(get(high).status()).isEqualTo(CompletionStatus.OK);
        for (CompletableFuture<Completion> f : lows) {
            assertThat(get(f).status()).isEqualTo(CompletionStatus.OK);
        }
        assertThat(get(normal).batchSize()).isEqualTo(2); // NORMAL joins the HIGH batch
        assertThat(fake.steps).noneSatisfy(s -> assertThat(s.contains("H1") && hasLow(s)).isTrue());
    }

    /** A long HIGH request runs, {@code lows} LOW requests arrive meanwhile: the batch size the first LOW ran in. */
    private int firstLowBatchWhileHighRuns(Map<String, Object> settings, int lows) throws Exception {
        engine = start(fake, settings);
        fake.hold();
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 30));
        fake.awaitHeld();
        List<CompletableFuture<Completion>> backlog = lowBacklog(lows, 3);
        awaitQueued(engine, lows);
        fake.open();
        get(high);
        return get(backlog.get(0)).batchSize();
    }

    @Test
    void shouldLetLowJoinWhileHighRunsWhenLowIsNotBacklogged() throws Exception {
        assertThat(firstLowBatchWhileHighRuns(
                Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE, false), 2)).isEqualTo(3);
    }

    @Test
    void shouldLetLowJoinWhileHighRunsWhenHighIsolationIsOff() throws Exception {
        assertThat(firstLowBatchWhileHighRuns(Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE,
                false, EngineConfig.PRIORITY_HIGH_ISOLATION, false), 4)).isEqualTo(4);
    }

    @Test
    void shouldPauseRunningLowRowsWhenHighStartsUnderLowBacklogAndResumeThemWithTheSameText() throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 3, EngineConfig.BATCHING_ADAPTIVE, false));
        fake.hold();
        CompletableFuture<Completion> low = engine.submit(req("L0", Priority.LOW, 30));
        CompletableFuture<Completion> normal = engine.submit(req("N1", Priority.NORMAL, 30));
        fake.awaitHeld();
        int first = fake.steps.size(); // warm-up steps are recorded too
        fake.allow(1);
        fake.awaitSteps(first + 1);   // held inside the next step, with L0 and N1 running
        List<CompletableFuture<Completion>> lows = lowBacklog(3, 3);
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 3));
        awaitQueued(engine, 4);
        assertThat(nextStep()).contains("H1", "N1").doesNotContain("L0");
        fake.open();
        assertThat(get(high).status()).isEqualTo(CompletionStatus.OK);
        assertThat(get(low).text()).isEqualTo(FakeBackend.expectedText("L0", 30));
        assertThat(get(normal).text()).isEqualTo(FakeBackend.expectedText("N1", 30));
        for (CompletableFuture<Completion> f : lows) {
            assertThat(get(f).status()).isEqualTo(CompletionStatus.OK);
        }
    }

    /**
     * Runs one-row and two-row steps on a backend whose steps cost 1 ms per row, so the scheduler measures it, with
     * recent arrivals mostly of {@code lane}.
     */
    private void calibrateCostlyRows(Map<String, Object> settings, Priority lane) throws Exception {
        fake.stepNanosPerRow = 1_000_000L;
        engine = start(fake, settings);
        get(engine.submit(req("A", lane, 25)));
        CompletableFuture<Completion> b = engine.submit(req("B", lane, 25));
        CompletableFuture<Completion> c = engine.submit(req("C", lane, 25));
        get(b);
        get(c);
        for (int i = 0; i < 30; i++) {
            get(engine.submit(req("S" + i, lane, 1)));
        }
    }

    /** A LOW request alone in a step when a HIGH one arrives (no LOW backlog): the rows of the step after. */
    private List<String> stepAfterHighArrivesBesideOneLow() throws Exception {
        fake.hold();
        CompletableFuture<Completion> low = engine.submit(req("L0", Priority.LOW, 30));
        fake.awaitHeld();
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 5));
        awaitQueued(engine, 1);
        List<String> rows = nextStep();
        fake.open();
        assertThat(get(high).status()).isEqualTo(CompletionStatus.OK);
        assertThat(get(low).text()).isEqualTo(FakeBackend.expectedText("L0", 30));
        return rows;
    }

    @Test
    void shouldPauseLowBesideHighWithoutBacklogWhenRowsAreMeasuredCostlyAndLowDominates() throws Exception {
        calibrateCostlyRows(Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE, false), Priority.LOW);
        assertThat(stepAfterHighArrivesBesideOneLow()).containsExactly("H1");
    }

    @Test
    void shouldKeepLowBesideHighWhenRowsAreCostlyButLowIsAMinorityOfArrivals() throws Exception {
        calibrateCostlyRows(Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE, false),
                Priority.NORMAL);
        assertThat(stepAfterHighArrivesBesideOneLow()).containsExactlyInAnyOrder("H1", "L0");
    }

    @Test
    void shouldKeepLowBesideHighWithoutBacklogWhenTheRowCostTriggerIsOff() throws Exception {
        calibrateCostlyRows(Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE, false,
                EngineConfig.PRIORITY_HIGH_ISOLATION_ROW_COST_PCT, 100_000), Priority.LOW);
        assertThat(stepAfterHighArrivesBesideOneLow()).containsExactlyInAnyOrder("H1", "L0");
    }

    @Test
    void shouldLetLowJoinAfterOneAgingPeriodWhenHighRunsLongUnderLowBacklog() throws Exception {
        engine = startWithClock(fake, clock, Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE, false,
                EngineConfig.PRIORITY_AGING_MS, 50));
        fake.hold();
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 40));
        fake.awaitHeld();     // inside the first step of H1
        fake.steps.clear();
        List<CompletableFuture<Completion>> lows = lowBacklog(4, 3);
        awaitQueued(engine, 4);
        fake.allow(1);
        fake.awaitSteps(1);   // inside the next step: LOW held back (the HIGH run started < 50 ms ago)
        assertThat(fake.steps.get(0)).containsExactly("H1");
        clock.advance(Duration.ofMillis(60));
        fake.allow(1);
        fake.awaitSteps(2);   // one aging period has passed: LOW joins
        assertThat(fake.steps.get(1)).contains("H1", "L1");
        fake.open();
        for (CompletableFuture<Completion> f : lows) {
            assertThat(get(f).status()).isEqualTo(CompletionStatus.OK);
        }
        assertThat(get(high).status()).isEqualTo(CompletionStatus.OK);
    }

    /**
     * A LOW flood whose queue is old (its heads have aged past HIGH) while LOW keeps joining: a HIGH request that
     * arrives runs at the next step, alone. Aged LOW requests still join once per aging period (see
     * {@link #shouldLetLowJoinAfterOneAgingPeriodWhenHighRunsLongUnderLowBacklog}), not into every free slot ahead of
     * HIGH.
     */
    @Test
    void shouldRunHighAloneAtTheNextStepWhenTheLowBacklogHasAgedPastHigh() throws Exception {
        engine = startWithClock(fake, clock, Map.of(EngineConfig.BATCH_MAX_SIZE, 4, EngineConfig.BATCHING_ADAPTIVE, false,
                EngineConfig.PRIORITY_AGING_MS, 1_000));
        fake.hold();
        List<CompletableFuture<Completion>> lows = new ArrayList<>(List.of(engine.submit(req("L0", Priority.LOW, 30))));
        fake.awaitHeld();
        lows.addAll(lowBacklog(8, 30));
        awaitQueued(engine, 8);
        // the LOW heads wait 3 aging periods: they compete as HIGH minus one level
        clock.advance(Duration.ofMillis(3_200));
        assertThat(nextStep()).as("L1..L3 join L0").containsExactly("L0", "L1", "L2", "L3");
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 3));
        awaitQueued(engine, 6);
        assertThat(nextStep()).containsExactly("H1");
        fake.open();
        assertThat(get(high).status()).isEqualTo(CompletionStatus.OK);
        assertUnchangedText(lows, 30);
    }

    @Test
    void shouldLetHighPreemptAtTheNextStepWhenAnAgedNormalHeadDoesNotFitAndIsolationIsOff() throws Exception {
        engine = startWithClock(fake, clock, Map.of(EngineConfig.BATCH_MAX_SIZE, 2, EngineConfig.BATCHING_ADAPTIVE, false,
                EngineConfig.PRIORITY_AGING_MS, 5, EngineConfig.PRIORITY_HIGH_ISOLATION, false));
        fake.hold();
        List<CompletableFuture<Completion>> lows = List.of(engine.submit(req("L1", Priority.LOW, 30)),
                engine.submit(req("L2", Priority.LOW, 30)));
        fake.awaitHeld();
        List<CompletableFuture<Completion>> normals = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            normals.add(engine.submit(req("N" + i, Priority.NORMAL, 3)));
        }
        awaitQueued(engine, 3);
        // the NORMAL heads now compete as HIGH minus 10 levels at least; the oldest fills the batch
        clock.advance(Duration.ofMillis(60));
        CompletableFuture<Completion> high = engine.submit(req("H1", Priority.HIGH, 3));
        awaitQueued(engine, 4);
        assertThat(nextStep()).contains("H1");
        fake.open();
        assertThat(get(high).status()).isEqualTo(CompletionStatus.OK);
        assertUnchangedText(lows, 30);
        assertUnchangedText(normals, 3);
    }

    @Test
    void shouldStopAtStopSequenceAndExcludeItWhenGenerating() throws Exception {
        engine = start(fake, Map.of());
        String full = FakeBackend.expectedText("P", 20);
        String stop = full.substring(6, 8);
        int at = full.indexOf(stop);
        Completion c = get(engine.submit(req("P", Priority.NORMAL, 20).withStop(List.of(stop))));
        assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(c.text()).isEqualTo(full.substring(0, at));
        Completion len = get(engine.submit(req("P", Priority.NORMAL, 7)));
        assertThat(len.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(len.completionTokens()).isEqualTo(7);
    }

    @Test
    void shouldKeepPromptEndAndStopWithLengthWhenContextIsFull() throws Exception {
        engine = start(fake, Map.of());
        String prompt = "X".repeat(100) + "END"; // context of the fake: 64
        Completion c = get(engine.submit(req(prompt, Priority.NORMAL, 50)));
        assertThat(c.promptTokens()).isEqualTo(64);
        assertThat(c.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(c.completionTokens()).isEqualTo(1);
        assertThat(fake.steps.get(fake.steps.size() - 1).get(0)).endsWith("END").hasSize(64);
    }

    /**
     * Continuous batching admits NORMAL joiners into a running batch only once a quarter of the cap is free (here
     * 2 of 8) or the oldest has waited batch.max.wait.ms; a HIGH request joins at the next step regardless.
     * Steps are counted, not timed: A1 leaves after step 2, H1 runs steps 3-4, A2..A7 leave after step 5.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"600000, 6", "0, 5"})
    void shouldAdmitJoinersOnlyWhenAQuarterOfTheBatchIsFreeOrTheOldestWaitedMaxWait(long maxWaitMs, int n1Step)
            throws Exception {
        engine = start(fake, Map.of(EngineConfig.BATCH_MAX_SIZE, 8, EngineConfig.BATCH_MAX_WAIT_MS, maxWaitMs));
        block();
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        List<String> prompts = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            prompts.add("A" + i);
            fs.add(engine.submit(req("A" + i, Priority.NORMAL, i == 1 ? 3 : i == 8 ? 30 : 6)));
        }
        prompts.add("N1");
        fs.add(engine.submit(req("N1", Priority.NORMAL, 2)));
        awaitQueued(engine, 9);
        for (int k = 1; k <= 3; k++) { // blocker's step ends; steps 0, 1, 2 of A1..A8
            fake.allow(1);
            fake.awaitSteps(k);
        }
        assertThat(fake.steps.get(0)).containsExactlyInAnyOrder("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8");
        prompts.add("H1");
        fs.add(engine.submit(req("H1", Priority.HIGH, 2)));
        awaitQueued(engine, 2);
        fake.open();
        for (int i = 0; i < fs.size(); i++) {
            Completion c = get(fs.get(i));
            assertThat(c.status()).isEqualTo(CompletionStatus.OK);
            assertThat(c.text()).isEqualTo(FakeBackend.expectedText(prompts.get(i), c.completionTokens()));
        }
        assertThat(fake.steps.get(3)).contains("H1").doesNotContain("A1", "N1"); // HIGH: the very next step
        int first = -1;
        for (int k = 0; k < fake.steps.size() && first < 0; k++) {
            if (fake.steps.get(k).contains("N1")) {
                first = k;
            }
        }
        assertThat(first).as("first step of N1 in %s", fake.steps).isEqualTo(n1Step);
        assertThat(fake.steps).allSatisfy(s -> assertThat(s.size()).isLessThanOrEqualTo(8));
    }
}
