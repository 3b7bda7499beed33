package io.codegenstreams.inference.internals.scheduler;

import io.codegenstreams.inference.Priority;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One bounded FIFO per priority lane. Capacity is reserved at submit ({@link #tryReserve}) so a full lane fails
 * fast before any work is done, and the sequence is added once its prompt is tokenized ({@link #add}).
 *
 * <p>Choosing the next sequence ({@link #peekBest}): each lane's head gets an effective level
 * {@code lane.ordinal() - waitedMillis / agingMillis} (HIGH=0, NORMAL=1, LOW=2; lower is served first); ties go
 * to the higher lane. So a LOW request that waited {@code 2 x priority.aging.ms} competes as HIGH: it never
 * starves. (The scheduler bounds this: an aged head that does not fit a full batch does not keep a waiting HIGH
 * request from preempting, and under HIGH isolation aged LOW requests join once per aging period.) Not thread-safe:
 * callers hold the scheduler lock.
 */
final class LaneQueues {
    private final Map<Priority, ArrayDeque<Sequence>> lanes = new EnumMap<>(Priority.class);
    private final Map<Priority, Integer> capacity = new EnumMap<>(Priority.class);
    private final Map<Priority, Integer> reserved = new EnumMap<>(Priority.class);
    private final long agingNanos;

    LaneQueues(int high, int normal, int low, long agingMillis) {
        capacity.put(Priority.HIGH, high);
        capacity.put(Priority.NORMAL, normal);
        capacity.put(Priority.LOW, low);
        for (Priority p : Priority.values()) {
            lanes.put(p, new ArrayDeque<>());
            reserved.put(p, 0);
        }
        this.agingNanos = Math.max(1, agingMillis) * 1_000_000L;
    }

    /** Reserves a place in the lane; false when the lane (queued + being tokenized) is at capacity. */
    boolean tryReserve(Priority p) {
        int used = lanes.get(p).size() + reserved.get(p);
        if (used >= capacity.get(p)) {
            return false;
        }
        reserved.merge(p, 1, Integer::sum);
        return true;
    }

    void release(Priority p) {
        reserved.merge(p, -1, Integer::sum);
    }

    /** Adds a sequence whose place was reserved. */
    void add(Sequence s) {
        release(s.priority());
        lanes.get(s.priority()).addLast(s);
    }

    /** Puts a preempted sequence back at the head of its lane (may exceed capacity by the preempted few). */
    void addFirst(Sequence s) {
        lanes.get(s.priority()).addFirst(s);
    }

    /** The best head by effective level; the LOW lane is left out when {@code lowAllowed} is false. */
    Sequence peekBest(long now, boolean lowAllowed) {
        Sequence best = null;
        long bestLevel = Long.MAX_VALUE;
        for (Priority p : Priority.values()) {
            if (p == Priority.LOW && !lowAllowed) {
                continue;
            }
            Sequence head = lanes.get(p).peekFirst();
            if (head != null) {
                long level = p.ordinal() - Math.max(0, now - head.submitNanos) / agingNanos;
                if (level < bestLevel) {
                    bestLevel = level;
                    best = head;
                }
            }
        }
        return best;
    }

    /** The head of one lane, or null when it is empty. */
    Sequence head(Priority p) {
        return lanes.get(p).peekFirst();
    }

    /** {@code priority.aging.ms} in nanoseconds (at least 1 ms). */
    long agingNanos() {
        return agingNanos;
    }

    /** Removes a waiting sequence; false when it is not waiting (running, finished or not queued yet). */
    boolean remove(Sequence s) {
        return lanes.get(s.priority()).remove(s);
    }

    /** Removes and returns every waiting sequence whose deadline has passed. */
    List<Sequence> removeExpired(long now) {
        List<Sequence> out = new ArrayList<>();
        for (ArrayDeque<Sequence> q : lanes.values()) {
            for (Iterator<Sequence> it = q.iterator(); it.hasNext(); ) {
                Sequence s = it.next();
                if (s.expired(now)) {
                    it.remove();
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Earliest deadline among waiting sequences, or Long.MAX_VALUE. */
    long earliestDeadline() {
        long min = Long.MAX_VALUE;
        for (ArrayDeque<Sequence> q : lanes.values()) {
            for (Sequence s : q) {
                if (s.deadlineNanos != Long.MAX_VALUE && (min == Long.MAX_VALUE || s.deadlineNanos - min < 0)) {
                    min = s.deadlineNanos;
                }
            }
        }
        return min;
    }

    /** Queued plus reserved (being tokenized): what capacity counts. */
    int size(Priority p) {
        return lanes.get(p).size() + reserved.get(p);
    }

    /** Queued and ready to be admitted. */
    int depth(Priority p) {
        return lanes.get(p).size();
    }

    int waiting() {
        int n = 0;
        for (ArrayDeque<Sequence> q : lanes.values()) {
            n += q.size();
        }
        return n;
    }

    long oldestSubmitNanos() {
        long min = Long.MAX_VALUE;
        for (ArrayDeque<Sequence> q : lanes.values()) {
            Sequence h = q.peekFirst();
            if (h != null && (min == Long.MAX_VALUE || h.submitNanos - min < 0)) {
                min = h.submitNanos;
            }
        }
        return min;
    }

    List<Sequence> drain() {
        List<Sequence> out = new ArrayList<>();
        for (ArrayDeque<Sequence> q : lanes.values()) {
            out.addAll(q);
            q.clear();
        }
        return out;
    }
}
