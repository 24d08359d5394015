package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyFloorsTest {
  @Test
  void comparesOnMajorAndMinor() {
    assertTrue(DependencyFloors.atLeast("2.15.0", "2.15"));
    assertTrue(DependencyFloors.atLeast("2.19.2", "2.15"));
    assertTrue(DependencyFloors.atLeast("3.0.0", "2.15"));
    assertTrue(DependencyFloors.atLeast("4.0.0-rc1", "3.7"));
    assertTrue(DependencyFloors.atLeast("3.25.5", "3.25"));
    assertFalse(DependencyFloors.atLeast("2.14.3", "2.15"));
    assertFalse(DependencyFloors.atLeast("2.9", "2.15"));
    assertFalse(DependencyFloors.atLeast("3.6.2", "3.7"));
    assertFalse(DependencyFloors.atLeast("1", "1.11"));
  }

  @Test
  void anUnreadableVersionPassesAndAMissingRequiredLibraryDoesNot() {
    assertTrue(DependencyFloors.atLeast(null, "2.15"));
    assertTrue(DependencyFloors.atLeast("unknown", "3.7"));
    assertFalse(DependencyFloors.atLeast("none", "3.7"));
  }

  @Test
  void everyLibraryOfThisBuildIsReadAndPasses() {
    Map<String, String> installed = DependencyFloors.installedVersions();
    for (DependencyFloors.Floor floor : DependencyFloors.FLOORS) {
      assertTrue(installed.get(floor.artifact()) != null, floor.artifact() + " not read: " + installed);
    }
    assertEquals(List.of(), DependencyFloors.problems(installed));
  }

  @Test
  void anOptionalLibraryThatIsAbsentIsNotAProblem() {
    Map<String, String> installed = new HashMap<>(DependencyFloors.installedVersions());
    installed.remove("org.apache.avro:avro");
    assertEquals(List.of(), DependencyFloors.problems(installed));
    installed.put("org.apache.avro:avro", "1.10.2");
    assertEquals(List.of("org.apache.avro:avro 1.10.2 is on the classpath, and 1.11 or newer is needed"),
        DependencyFloors.problems(installed));
  }
}
