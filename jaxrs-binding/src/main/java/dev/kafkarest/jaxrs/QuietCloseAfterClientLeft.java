package dev.kafkarest.jaxrs;

import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After an answer's body the runtime flushes and closes the answer's stream itself. When the client has left,
 * that fails, and Jersey (on Tomcat) logs it as SEVERE, once per client: for an event stream that a client closes
 * after hours, that is its normal end. For the proxy's answers whose body ended because the client left, this
 * makes that flush and close quiet (logged at debug); every other failure, and every other answer, is untouched.
 */
final class QuietCloseAfterClientLeft implements WriterInterceptor {
  private static final Logger log = LoggerFactory.getLogger(QuietCloseAfterClientLeft.class);

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    if (context.getEntity() instanceof AnswerGuard.Entity entity) {
      context.setOutputStream(new Quiet(context.getOutputStream(), entity.guard()));
    }
    context.proceed();
  }

  private static final class Quiet extends OutputStream {
    private final OutputStream out;
    private final AnswerGuard guard;

    Quiet(OutputStream out, AnswerGuard guard) {
      this.out = out;
      this.guard = guard;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        quietIfClientLeft(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (IOException e) {
        quietIfClientLeft(e);
      }
    }

    private void quietIfClientLeft(IOException e) throws IOException {
      if (!guard.clientLeft()) {
        throw e;
      }
      log.debug("Closing an answer whose client left failed, as expected", e);
    }
  }
}
