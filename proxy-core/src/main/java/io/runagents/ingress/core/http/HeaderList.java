package io.runagents.ingress.core.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * A request's headers as the proxy forwards them: one flat list in arrival order, searched from the front.
 *
 * <p>The {@link RequestDecoder} fills it with views of the client's head bytes (an {@link AsciiString} per name and
 * per value, no copy), checked byte by byte as it parsed them, so a header the proxy only passes on costs no
 * {@code String}, no hashing and no second validation: the upstream encoder copies its bytes straight from the
 * client's head ({@link #iteratorCharSequence}). A {@code String} is made only for a value a stage reads, once.
 * A head has a few dozen headers at most, and a scan comparing lengths first beats hashing each name on the way in.
 *
 * <p>What a stage adds is checked as Netty's own headers check it (a token name, a value without control
 * characters), except through {@link #setProduced}, for values the proxy made from bytes it controls.
 * Single-threaded, like the exchange that owns it.
 */
public final class HeaderList extends HttpHeaders {
    /** The names the proxy itself sets on every request, by identity: checked once, here, not per request. */
    private static final Set<CharSequence> PROXY_NAMES = proxyNames(ProxyHeaders.X_REQUEST_ID,
            ProxyHeaders.X_FORWARDED_FOR, ProxyHeaders.X_FORWARDED_PROTO, ProxyHeaders.X_FORWARDED_HOST,
            ProxyHeaders.X_END_USER_ID, ProxyHeaders.X_END_USER_CONTEXT, HttpHeaderNames.HOST,
            HttpHeaderNames.AUTHORIZATION, HttpHeaderNames.CONNECTION);

    private CharSequence[] names;
    private CharSequence[] values;
    private int size;

    private static Set<CharSequence> proxyNames(AsciiString... names) {
        Set<CharSequence> set = Collections.newSetFromMap(new IdentityHashMap<>());
        for (AsciiString name : names) {
            if (HttpHeaderValidationUtil.validateToken(name) != -1) {
                throw new IllegalStateException("not a token: " + name);
            }
            set.add(name);
        }
        return Collections.unmodifiableSet(set);
    }

    /** An empty list with room for {@code capacity} headers before it grows. */
    public HeaderList(int capacity) {
        int room = Math.max(capacity, 4);
        names = new CharSequence[room];
        values = new CharSequence[room];
    }

    /** Appends a header the decoder has already checked. */
    void addChecked(AsciiString name, AsciiString value) {
        append(name, value);
    }

    /**
     * Sets a header the proxy produced itself from characters it controls (such as its signed identity context):
     * not checked again. On other {@link HttpHeaders}, an ordinary checked {@code set}.
     */
    public static void setProduced(HttpHeaders headers, AsciiString name, AsciiString value) {
        if (headers instanceof HeaderList list) {
            list.removeAll(name);
            list.append(name, value);
        } else {
            headers.set(name, value);
        }
    }

    private void append(CharSequence name, CharSequence value) {
        if (size == names.length) {
            int grown = size * 2;
            names = Arrays.copyOf(names, grown);
            values = Arrays.copyOf(values, grown);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    private int indexOf(CharSequence name, int from) {
        for (int i = from; i < size; i++) {
            if (sameName(names[i], name)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether two names are equal ignoring ASCII case; bytes compared when both are bytes (the usual case). */
    static boolean sameName(CharSequence a, CharSequence b) {
        if (a.length() != b.length()) {
            return false;
        }
        if (a instanceof AsciiString x && b instanceof AsciiString y) {
            byte[] xs = x.array();
            byte[] ys = y.array();
            int xo = x.arrayOffset();
            int yo = y.arrayOffset();
            for (int i = 0; i < x.length(); i++) {
                int c = xs[xo + i];
                int d = ys[yo + i];
                if (c != d && ((c ^ d) != 0x20 || !isLetter(c | 0x20))) {
                    return false;
                }
            }
            return true;
        }
        return AsciiString.contentEqualsIgnoreCase(a, b);
    }

    private static boolean isLetter(int lower) {
        return lower >= 'a' && lower <= 'z';
    }

    /** The value as a {@code String}: a decoded view makes it on the first read and keeps it. */
    private String valueAt(int i) {
        return values[i].toString();
    }

    private void removeAll(CharSequence name) {
        int first = indexOf(name, 0);
        if (first < 0) {
            return; // the usual case (hop-by-hop headers, say): nothing to move
        }
        int kept = first;
        for (int i = first + 1; i < size; i++) {
            if (!sameName(names[i], name)) {
                names[kept] = names[i];
                values[kept] = values[i];
                kept++;
            }
        }
        Arrays.fill(names, kept, size, null);
        Arrays.fill(values, kept, size, null);
        size = kept;
    }

    private static CharSequence checkedName(CharSequence name) {
        if (PROXY_NAMES.contains(name)) {
            return name; // one of the proxy's own constants, a token by construction
        }
        if (name == null || name.length() == 0) {
            throw new IllegalArgumentException("empty header names are not allowed");
        }
        int bad = HttpHeaderValidationUtil.validateToken(name);
        if (bad != -1) {
            throw new IllegalArgumentException("a header name can only contain \"token\" characters, but found "
                    + "invalid character 0x" + Integer.toHexString(name.charAt(bad)) + " at index " + bad
                    + " of header '" + name + "'.");
        }
        return name;
    }

    private static CharSequence checkedValue(CharSequence name, Object value) {
        if (value == null) {
            throw new NullPointerException("value of header '" + name + "'");
        }
        CharSequence text = value instanceof CharSequence sequence ? sequence
                : value instanceof Date date ? DateFormatter.format(date) : value.toString();
        if (HttpHeaderValidationUtil.validateValidHeaderValue(text) != -1) {
            throw new IllegalArgumentException("a header value contains prohibited characters: header '" + name
                    + "'");
        }
        return text;
    }

    @Override
    public String get(String name) {
        return get((CharSequence) name);
    }

    @Override
    public String get(CharSequence name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : valueAt(i);
    }

    @Override
    public Integer getInt(CharSequence name) {
        return number(name, Integer::valueOf);
    }

    @Override
    public int getInt(CharSequence name, int defaultValue) {
        Integer value = getInt(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public Short getShort(CharSequence name) {
        return number(name, Short::valueOf);
    }

    /** The first value of {@code name} as a number, or null when there is none or it is not one. */
    private <T> T number(CharSequence name, Function<String, T> parse) {
        String value = get(name);
        try {
            return value == null ? null : parse.apply(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public short getShort(CharSequence name, short defaultValue) {
        Short value = getShort(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public Long getTimeMillis(CharSequence name) {
        String value = get(name);
        Date date = value == null ? null : DateFormatter.parseHttpDate(value);
        return date == null ? null : date.getTime();
    }

    @Override
    public long getTimeMillis(CharSequence name, long defaultValue) {
        Long value = getTimeMillis(name);
        return value == null ? defaultValue : value;
    }

    @Override
    public List<String> getAll(String name) {
        return getAll((CharSequence) name);
    }

    @Override
    public List<String> getAll(CharSequence name) {
        int i = indexOf(name, 0);
        if (i < 0) {
            return List.of();
        }
        List<String> all = new ArrayList<>(2);
        for (; i >= 0; i = indexOf(name, i + 1)) {
            all.add(valueAt(i));
        }
        return all;
    }

    @Override
    public List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> entries = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(names[i].toString(), valueAt(i)));
        }
        return entries;
    }

    @Override
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public boolean contains(CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return entries().iterator();
    }

    /**
     * The headers as they are stored: the decoder's views of the client's bytes, and what stages set. The entry
     * returned is the iterator itself, valid until the next call to {@code next()}: its users (the encoder, the
     * copying {@code set}/{@code add} of other headers) read each entry at once, and a head is encoded per request.
     */
    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iteratorCharSequence() {
        return new Cursor();
    }

    private final class Cursor implements Iterator<Map.Entry<CharSequence, CharSequence>>,
            Map.Entry<CharSequence, CharSequence> {
        private int next;
        private int current = -1;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public Map.Entry<CharSequence, CharSequence> next() {
            if (next >= size) {
                throw new NoSuchElementException();
            }
            current = next++;
            return this;
        }

        @Override
        public CharSequence getKey() {
            return names[current];
        }

        @Override
        public CharSequence getValue() {
            return values[current];
        }

        @Override
        public CharSequence setValue(CharSequence value) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String toString() {
            return names[current] + "=" + values[current];
        }
    }

    @Override
    public boolean contains(String name, String value, boolean ignoreCase) {
        return contains((CharSequence) name, value, ignoreCase);
    }

    @Override
    public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            if (ignoreCase ? AsciiString.contentEqualsIgnoreCase(values[i], value)
                    : AsciiString.contentEquals(values[i], value)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a value of {@code name}, read as a comma-separated list of trimmed elements, has {@code value}. */
    @Override
    public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            for (AsciiString element : AsciiString.of(values[i]).split(',')) {
                AsciiString trimmed = withoutOws(element);
                if (ignoreCase ? trimmed.contentEqualsIgnoreCase(value) : trimmed.contentEquals(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code text} without the optional whitespace (SP, HTAB) around it. Not {@link AsciiString#trim}: it compares
     * signed bytes, so it would also strip obs-text (0x80-0xff) and read {@code close\u0080} as {@code close}.
     */
    static AsciiString withoutOws(AsciiString text) {
        int start = 0;
        int end = text.length();
        while (start < end && isOws(text.byteAt(start))) {
            start++;
        }
        while (end > start && isOws(text.byteAt(end - 1))) {
            end--;
        }
        return text.subSequence(start, end, false);
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<String> names() {
        Set<String> all = new LinkedHashSet<>(size * 2);
        for (int i = 0; i < size; i++) {
            all.add(names[i].toString());
        }
        return all;
    }

    @Override
    public HttpHeaders add(String name, Object value) {
        return add((CharSequence) name, value);
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        append(checkedName(name), checkedValue(name, value));
        return this;
    }

    @Override
    public HttpHeaders add(String name, Iterable<?> values) {
        return add((CharSequence) name, values);
    }

    @Override
    public HttpHeaders add(CharSequence name, Iterable<?> values) {
        checkedName(name);
        for (Object value : values) {
            append(name, checkedValue(name, value));
        }
        return this;
    }

    @Override
    public HttpHeaders addInt(CharSequence name, int value) {
        append(checkedName(name), Integer.toString(value));
        return this;
    }

    @Override
    public HttpHeaders addShort(CharSequence name, short value) {
        append(checkedName(name), Short.toString(value));
        return this;
    }

    @Override
    public HttpHeaders set(String name, Object value) {
        return set((CharSequence) name, value);
    }

    @Override
    public HttpHeaders set(CharSequence name, Object value) {
        CharSequence checked = checkedValue(checkedName(name), value);
        removeAll(name);
        append(name, checked);
        return this;
    }

    @Override
    public HttpHeaders set(String name, Iterable<?> values) {
        return set((CharSequence) name, values);
    }

    @Override
    public HttpHeaders set(CharSequence name, Iterable<?> values) {
        checkedName(name);
        List<CharSequence> checked = new ArrayList<>();
        for (Object value : values) {
            checked.add(checkedValue(name, value));
        }
        removeAll(name);
        checked.forEach(value -> append(name, value));
        return this;
    }

    @Override
    public HttpHeaders setInt(CharSequence name, int value) {
        return set(name, Integer.toString(value));
    }

    @Override
    public HttpHeaders setShort(CharSequence name, short value) {
        return set(name, Short.toString(value));
    }

    @Override
    public HttpHeaders remove(String name) {
        removeAll(name);
        return this;
    }

    @Override
    public HttpHeaders remove(CharSequence name) {
        removeAll(name);
        return this;
    }

    @Override
    public HttpHeaders clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        return this;
    }
}
