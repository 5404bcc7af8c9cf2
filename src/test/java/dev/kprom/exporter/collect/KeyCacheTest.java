package dev.kprom.exporter.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyCacheTest {
    /** {@code n} keys of {@code size} bytes, key i filled from i so that keys differ in their last byte too. */
    private static ByteBuffer keys(int n, int size) {
        ByteBuffer b = ByteBuffer.allocate(n * size).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < size; j++) b.put(i * size + j, (byte) (j == size - 1 ? i * 7 : (i >> (8 * (j % 4)))));
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 12, 20, 64})
    void findsWhatWasPutForEveryKeySizeInOrderOrNot(int size) {
        int n = 3000;
        ByteBuffer b = keys(n, size);
        KeyCache cache = new KeyCache(size, 1 << 20);
        int distinct = 0;
        cache.startRead();
        for (int i = 0; i < n; i++) {
            if (cache.find(b, i * size) == KeyCache.MISSING) {
                cache.put(i);
                distinct++;
            }
        }
        assertThat(cache.size()).isEqualTo(distinct);
        cache.startRead(); // same order: every key is found at its position
        for (int i = 0; i < n; i++) assertThat(cache.find(b, i * size)).isNotEqualTo(KeyCache.MISSING);
        cache.startRead(); // reversed: found in the table, and each key gives what it gave before
        long[] forward = new long[n];
        for (int i = 0; i < n; i++) forward[i] = cacheFind(cache, b, i, size);
        cache.startRead();
        for (int i = n - 1; i >= 0; i--)
            assertThat(cacheFind(cache, b, i, size)).isEqualTo(forward[i]);
        assertThat(cache.size()).isEqualTo(distinct);
    }

    private static long cacheFind(KeyCache cache, ByteBuffer b, int i, int size) {
        long p = cache.find(b, i * size);
        assertThat(p).isNotEqualTo(KeyCache.MISSING);
        return p;
    }

    @Test
    void aKeyThatChangedAtAPositionIsNotTakenForTheOldOne() {
        ByteBuffer b = keys(2, 8);
        KeyCache cache = new KeyCache(8, 100);
        cache.startRead();
        cache.find(b, 0);
        cache.put(41);
        cache.startRead();
        assertThat(cache.find(b, 8)).isEqualTo(KeyCache.MISSING); // position 0, another key
        cache.put(42);
        cache.startRead();
        assertThat(cache.find(b, 0)).isEqualTo(41);
        assertThat(cache.find(b, 8)).isEqualTo(42);
    }

    @Test
    void fullCachesNothingMore() {
        ByteBuffer b = keys(10, 4);
        KeyCache cache = new KeyCache(4, 5);
        cache.startRead();
        for (int i = 0; i < 10; i++) {
            assertThat(cache.find(b, i * 4)).isEqualTo(KeyCache.MISSING);
            assertThat(cache.put(i)).isEqualTo(i);
        }
        assertThat(cache.full()).isTrue();
        assertThat(cache.size()).isEqualTo(5);
        cache.startRead();
        assertThat(cache.find(b, 0)).isEqualTo(0);
        assertThat(cache.find(b, 9 * 4)).isEqualTo(KeyCache.MISSING);
    }

    @Test
    void payloadsAreNeverNegative() {
        KeyCache cache = new KeyCache(4, 5);
        cache.startRead();
        cache.find(keys(1, 4), 0);
        assertThatThrownBy(() -> cache.put(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("negative payload -1");
    }
}
