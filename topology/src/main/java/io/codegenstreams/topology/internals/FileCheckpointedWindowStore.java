package io.codegenstreams.topology.internals;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A persistent RocksDB window store whose changelog offset Kafka Streams keeps in a checkpoint file beside the store
 * ({@code .checkpoint_<store>} in the task directory) instead of inside RocksDB.
 *
 * <p>Why: in Kafka Streams 4.3 (KIP-1035) a segmented store keeps its committed changelog offset in its segments'
 * RocksDB instances. A window store that holds no segment — a lane that got no request since the task's state
 * directory was created — has nowhere to write it, so {@code committedOffset} is {@code null} after a clean close.
 * Under exactly-once, {@code ProcessorStateManager.initializeStoreOffsets} treats a logged store without an offset in a
 * non-empty task directory as possibly holding uncommitted writes: it throws {@code TaskCorruptedException} and the
 * whole task (every store in it) is wiped and rebuilt from the changelogs on every restart.
 *
 * <p>This store declares {@link #managesOffsets()} {@code false}: Kafka Streams then wraps it in its legacy
 * checkpointing layer, which keeps the offset whether or not a segment exists, writes the file on a clean close and,
 * under exactly-once, deletes it when the store is opened (a crash still wipes the task, as it must). The data stays in
 * the same RocksDB segments; every call is passed on unchanged. When Kafka Streams drops {@code managesOffsets()}
 * this class stops compiling, which is the moment to check whether the segmented stores keep their offsets by then.
 */
public final class FileCheckpointedWindowStore implements WindowStore<Bytes, byte[]> {
  private final WindowStore<Bytes, byte[]> inner;

  FileCheckpointedWindowStore(WindowStore<Bytes, byte[]> inner) {
    this.inner = inner;
  }

  /** Like {@link Stores#persistentWindowStore(String, Duration, Duration, boolean)}, offsets kept in a file. */
  public static WindowBytesStoreSupplier persistentWindowStore(String name, Duration retention, Duration windowSize,
                                                               boolean retainDuplicates) {
    return new Supplier(Stores.persistentWindowStore(name, retention, windowSize, retainDuplicates));
  }

  /** The offsets go to the checkpoint file that Kafka Streams keeps for stores that do not manage their own. */
  @Override
  @Deprecated
  public boolean managesOffsets() {
    return false;
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return null;
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  @Deprecated
  @SuppressWarnings("deprecation")
  public void flush() {
    inner.flush();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    inner.init(context, root);
  }

  @Override
  public void close() {
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return inner.query(query, positionBound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  @Override
  public void put(Bytes key, byte[] value, long windowStartTimestamp) {
    inner.put(key, value, windowStartTimestamp);
  }

  @Override
  public byte[] fetch(Bytes key, long time) {
    return inner.fetch(key, time);
  }

  @Override
  public WindowStoreIterator<byte[]> fetch(Bytes key, long timeFrom, long timeTo) {
    return inner.fetch(key, timeFrom, timeTo);
  }

  @Override
  public WindowStoreIterator<byte[]> backwardFetch(Bytes key, long timeFrom, long timeTo) {
    return inner.backwardFetch(key, timeFrom, timeTo);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes keyFrom, Bytes keyTo, long timeFrom, long timeTo) {
    return inner.fetch(keyFrom, keyTo, timeFrom, timeTo);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetch(Bytes keyFrom, Bytes keyTo, long timeFrom,
                                                                  long timeTo) {
    return inner.backwardFetch(keyFrom, keyTo, timeFrom, timeTo);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> fetchAll(long timeFrom, long timeTo) {
    return inner.fetchAll(timeFrom, timeTo);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetchAll(long timeFrom, long timeTo) {
    return inner.backwardFetchAll(timeFrom, timeTo);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> all() {
    return inner.all();
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardAll() {
    return inner.backwardAll();
  }

  private record Supplier(WindowBytesStoreSupplier rocksDb) implements WindowBytesStoreSupplier {
    @Override
    public String name() {
      return rocksDb.name();
    }

    @Override
    public WindowStore<Bytes, byte[]> get() {
      return new FileCheckpointedWindowStore(rocksDb.get());
    }

    @Override
    public String metricsScope() {
      return rocksDb.metricsScope();
    }

    @Override
    public long segmentIntervalMs() {
      return rocksDb.segmentIntervalMs();
    }

    @Override
    public long windowSize() {
      return rocksDb.windowSize();
    }

    @Override
    public boolean retainDuplicates() {
      return rocksDb.retainDuplicates();
    }

    @Override
    public long retentionPeriod() {
      return rocksDb.retentionPeriod();
    }
  }
}
