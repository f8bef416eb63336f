import chisel3._
import chisel3.util._

class OneShot extends Module {
  val io = IO(new Bundle {
    val start = Input(Bool()); val duration = Input(UInt(4.W)); val busy = Output(Bool()); val done = Output(Bool()); val remaining = Output(UInt(4.W))
  })

  val count = RegInit(0.U(4.W))
  val doneReg = RegInit(false.B)
  val last = count === 1.U

  when(io.start) {
    count := Mux(last, 0.U, count + 1.U)
  }

  when(io.duration === 0.U) {
    doneReg := true.B
  }

  when(doneReg) {
    count := 0.U
    doneReg := false.B
  }

  io.busy := count != 0.U
  io.done := doneReg
  io.remaining := count
}
