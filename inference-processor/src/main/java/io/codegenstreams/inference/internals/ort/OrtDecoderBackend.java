package io.codegenstreams.inference.internals.ort;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.codegenstreams.inference.ModelLoadException;
import io.codegenstreams.inference.ModelSpec;
import io.codegenstreams.inference.spi.BatchSession;
import io.codegenstreams.inference.spi.DecoderBackend;
import io.codegenstreams.inference.spi.ModelInfo;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model loaded through DJL's ONNX Runtime engine ({@code Model.newInstance(name, device, "OnnxRuntime")}),
 * with our own {@code SessionOptions} (threads; TensorRT execution provider when asked). Steps then run on the
 * model's {@code OrtSession} directly: DJL 0.33's {@code OrtSymbolBlock} neither exposes {@code RunOptions}
 * (needed to terminate a step that runs past {@code step.timeout.ms}) nor lets an output stay native between
 * calls without wrapping it in an NDManager; the session is read from the block's private field.
 */
final class OrtDecoderBackend implements DecoderBackend {
    private final Model model;
    private final OrtSession session;
    private final OrtEnvironment env;
    private final ModelInfo info;
    private final KvLayout kv;

    private OrtDecoderBackend(Model model, OrtSession session, ModelFiles.Descriptor d) {
        this.model = model;
        this.session = session;
        this.env = OrtEnvironment.getEnvironment();
        this.info = d.info();
        this.kv = new KvLayout(d.layers(), d.heads(), d.headDim());
    }

    static OrtDecoderBackend load(ModelSpec spec, OrtSession.SessionOptions options, Device device) {
        ModelFiles.Descriptor d = ModelFiles.resolve(spec);
        DjlRuntime.onnxRuntime();
        Model model = Model.newInstance(spec.name(), device, "OnnxRuntime");
        try {
            model.load(d.dir(), "model", Map.of("sessionOptions", options));
            OrtSession session = sessionOf(model.getBlock());
            checkContract(spec, d, session);
            return new OrtDecoderBackend(model, session, d);
        } catch (IOException | MalformedModelException | OrtException | RuntimeException e) {
            model.close();
            if (e instanceof ModelLoadException mle) {
                throw mle;
            }
            throw new ModelLoadException("Model " + spec.name() + " cannot be loaded from " + d.dir() + ": " + e, e);
        }
    }

    private static OrtSession sessionOf(Block block) {
        try {
            Field f = block.getClass().getDeclaredField("session");
            f.setAccessible(true);
            return (OrtSession) f.get(block);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ModelLoadException("DJL's OrtSymbolBlock no longer exposes its OrtSession (DJL upgrade?): " + e, e);
        }
    }

    private static void checkContract(ModelSpec spec, ModelFiles.Descriptor d, OrtSession session) throws OrtException {
        var in = session.getInputInfo().keySet();
        var out = session.getOutputInfo().keySet();
        if (in.contains("past_key_values")) {
            throw new ModelLoadException("Model " + spec.name() + " was exported for the older ONNX contract"
                    + " (past_key_values -> present_key_values); export it again with"
                    + " inference-processor/training/export.py, which writes past_key_<l>/past_value_<l> -> new_key_values");
        }
        List<String> inputs = new ArrayList<>(List.of("input_ids", "position_ids", "attention_mask"));
        inputs.addAll(KvLayout.pastInputNames(d.layers()));
        for (String name : inputs) {
            if (!in.contains(name)) {
                throw new ModelLoadException("Model " + spec.name() + " lacks ONNX input " + name + " (has " + in + ")");
            }
        }
        for (String name : new String[]{"logits", "new_key_values"}) {
            if (!out.contains(name)) {
                throw new ModelLoadException("Model " + spec.name() + " lacks ONNX output " + name + " (has " + out + ")");
            }
        }
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public BatchSession openSession() {
        return new OrtBatchSession(env, session, kv, info.vocabSize(), info.contextLength());
    }

    @Override
    public void close() {
        model.close();
    }
}
