import chisel3._
import chisel3.util._

class OneShot extends Module {
  val io = IO(new Bundle {
    val start = Input(Bool());
    val duration = Input(UInt(4.W));
    val busy = Output(Bool());
    val done = Output(Bool());
    val remaining = Output(UInt(4.W))
  })

  val count = RegInit(0.U(4.W))
  val done = RegInit(false.B)
  val busy = RegInit(true.B)

  when(io.start) {
    count := io.duration
  }

  when(io.done) {
    done := true.B
  }

  when(count === 1.U) {
    busy := false.B
    done := true.B
  }

  when(count > 0.U) {
    count := count - 1.U
  }

  when(count === 0.U) {
    busy := false.B
    done := true.B
  }

  io.busy := busy
  io.done := done
  io.remaining := count
}
