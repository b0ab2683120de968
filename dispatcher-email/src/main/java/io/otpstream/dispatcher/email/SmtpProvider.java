package io.otpstream.dispatcher.email;

import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends email through an SMTP server with Angus Mail: text and HTML alternatives, STARTTLS and auth
 * when set. Each sender thread keeps its connection open and reuses it for the next message; a
 * connection the server dropped is opened again.
 */
public final class SmtpProvider implements DeliveryProvider {
  private final String name;
  private final SmtpSettings settings;
  private final Session session;
  private final Set<Transport> open = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Transport> connection = new ThreadLocal<>();

  public SmtpProvider(SmtpSettings settings) {
    this(settings, "smtp");
  }

  /**
   * @param name recorded on each DeliveryStatus, e.g. {@code smtp-fallback} for a second server
   */
  public SmtpProvider(SmtpSettings settings, String name) {
    this.name = name;
    this.settings = settings;
    Properties p = new Properties();
    p.put("mail.smtp.host", settings.host());
    p.put("mail.smtp.port", Integer.toString(settings.port()));
    p.put("mail.smtp.auth", Boolean.toString(settings.username() != null));
    p.put("mail.smtp.starttls.enable", Boolean.toString(settings.startTls()));
    p.put("mail.smtp.starttls.required", Boolean.toString(settings.startTls()));
    p.put(
        "mail.smtp.ssl.checkserveridentity",
        "true"); // with STARTTLS, the certificate must name the host
    p.put("mail.smtp.connectiontimeout", "5000");
    p.put("mail.smtp.timeout", "10000");
    p.put("mail.smtp.writetimeout", "10000");
    this.session = Session.getInstance(p);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Sent send(OutgoingMessage m) throws DeliveryException {
    MimeMessage msg = new MimeMessage(session);
    try {
      msg.setFrom(new InternetAddress(m.sender() != null ? m.sender() : settings.from()));
      msg.setRecipient(Message.RecipientType.TO, new InternetAddress(m.to(), true));
      msg.setSubject(m.subject(), StandardCharsets.UTF_8.name());
      MimeBodyPart text = new MimeBodyPart();
      text.setText(m.text(), StandardCharsets.UTF_8.name());
      MimeBodyPart html = new MimeBodyPart();
      html.setContent(m.html(), "text/html; charset=UTF-8");
      MimeMultipart alternative = new MimeMultipart("alternative", text, html);
      msg.setContent(alternative);
      msg.saveChanges();
    } catch (AddressException e) {
      throw new DeliveryException("invalid address: " + e.getMessage(), true, e);
    } catch (MessagingException e) {
      throw new DeliveryException("cannot build the message: " + e.getMessage(), true, e);
    }
    try {
      boolean reused = connection.get() != null && connection.get().isConnected();
      try {
        connected().sendMessage(msg, msg.getAllRecipients());
      } catch (SendFailedException e) {
        throw e;
      } catch (MessagingException e) {
        if (!reused) {
          throw e;
        }
        drop(); // the server may have closed an idle connection: one more try on a fresh one
        connected().sendMessage(msg, msg.getAllRecipients());
      }
      return new Sent(name, msg.getMessageID());
    } catch (SendFailedException e) {
      throw new DeliveryException("recipient refused: " + answer(e), true, e);
    } catch (MessagingException e) {
      drop(); // the next message opens a fresh connection
      throw new DeliveryException("smtp: " + answer(e), false, e);
    }
  }

  /**
   * The failure with the server's own answers (each refused recipient's reply, which quotes the
   * address: the delivery worker redacts it before anything is logged or written).
   */
  private static String answer(MessagingException e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    Exception next = e.getNextException();
    for (int i = 0; next != null && i < 5; i++) {
      s.append(" (").append(next.getMessage()).append(')');
      next = next instanceof MessagingException m ? m.getNextException() : null;
    }
    return s.toString().replaceAll("\\s+", " ").strip();
  }

  /** This thread's connection, opened (and authenticated) if it is not open. */
  private Transport connected() throws MessagingException {
    Transport t = connection.get();
    if (t != null && t.isConnected()) {
      return t;
    }
    if (t != null) {
      drop();
    }
    t = session.getTransport("smtp");
    t.connect(settings.host(), settings.port(), settings.username(), settings.password());
    connection.set(t);
    open.add(t);
    return t;
  }

  private void drop() {
    Transport t = connection.get();
    connection.remove();
    if (t != null) {
      open.remove(t);
      try {
        t.close();
      } catch (MessagingException e) {
        // already broken
      }
    }
  }

  @Override
  public void close() {
    for (Transport t : open) {
      try {
        t.close();
      } catch (MessagingException e) {
        // closing anyway
      }
    }
    open.clear();
  }
}
