import chisel3._
import chisel3.util._
import chisel3.util.Enum

class OneShot extends Module {
  val io = IO(new Bundle {
    val start = Input(Bool())
    val duration = Input(UInt(4.W))
    val busy = Output(Bool())
    val done = Output(Bool())
    val remaining = Output(UInt(4.W))
  })
  val count = RegInit(0.U(4.W))
  val doneReg = RegInit(false.B)
  val busyReg = RegInit(false.B)

  when(io.start && !doneReg) {
    count := count + 1.U
    doneReg := count == 1.U
  }
  when(count != 0.U && !doneReg) {
    count := count - 1.U
  }

  when(io.start) {
    count := io.duration
  }

  busyReg := count != 0.U
  done := doneReg
  remaining := count

  when(doneReg) {
    count := 0.U
  }
}
