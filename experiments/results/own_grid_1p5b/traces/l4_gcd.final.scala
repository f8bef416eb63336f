import chisel3._
import chisel3.util._
import chisel3.stage.{ChiselStage, IRPrinter}

class GcdUnit extends Module {
  // Register to store the current operation
  val state = RegInit(0.U(3.W))

  // Output registers to display the intermediate results and the final result
  val x = RegInit(0.U(8.W))
  val y = RegInit(0.U(8.W))
  val result = RegInit(0.U(8.W))

  // Input bundle
  val in = Flipped(Decoupled(new GcdOperands))

  // Output bundle
  val out = Decoupled(UInt(8.W))

  // State machine logic
  when(state === 0.U) {
    // Idle state: wait for valid input
    when(in.ready) {
      x := in.a
      y := in.b
      state := 1.U // Go to busy state
    }
  } .elsewhen(state === 1.U) {
    // Busy state: perform GCD algorithm
    when(in.ready) {
      if(y === 0.U) {
        result := x
        state := 3.U // Go to done state
      } else {
        if(x < y) {
          // Swap x and y
          val temp = x
          x := y
          y := temp
        }
        x := x - y
      }
    }
  } .elsewhen(state === 2.U) {
    // Intermediate result state: display current intermediate results
    when(in.ready) {
      result := x
      state := 1.U // Go to busy state
    }
  } .elsewhen(state === 3.U) {
    // Done state: display the final result
    when(in.ready) {
      out := result
      state := 0.U // Go to idle state
    }
  }

  // Register the valid bit for the output
  when(in.ready) {
    out.valid := true.B
  } else {
    out.valid := false.B
  }

  // Output the final result when in.done state
  when(out.valid && state === 3.U) {
    println("GCD: " + result.toString)
  }
}
