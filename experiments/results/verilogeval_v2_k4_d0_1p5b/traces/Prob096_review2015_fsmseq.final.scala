import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = IO(Input(Clock()))
    val reset = IO(Input(Bool()))
    val data  = IO(Input(UInt(1.W)))
    val start_shifting = Output(Bool())
  })
  val start_shifting = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val found = RegInit(false.B)
  val found_count = RegInit(0.U(1.W))
  val found_index = RegInit(0.U(1.W))
  val found_sequence = VecInit(4.U(1.W))
  found_sequence(0) := io.data
  found_index := 1.U
  when(found) {
    when(found_count === 3.U) {
      found_sequence(1) := io.data
      found_index := 2.U
    }
    when(found_index === 3.U) {
      found_sequence(2) := io.data
      found_index := 3.U
    }
    when(found_index === 4.U) {
      found_sequence(3) := io.data
      found_count := 0.U
      found_index := 0.U
      found := false.B
    }
  }
  when(io.data === found_sequence(0)) {
    found_count := found_count + 1.U
  }
  when(io.data === found_sequence(1)) {
    found_count := found_count + 1.U
  }
  when(io.data === found_sequence(2)) {
    found_count := found_count + 1.U
  }
  when(io.data === found_sequence(3)) {
    found_count := found_count + 1.U
  }
  when(found_count === 4.U) {
    found := true.B
  }
  when(found) {
    start_shifting := true.B
  }
  io.start_shifting := start_shifting
}
