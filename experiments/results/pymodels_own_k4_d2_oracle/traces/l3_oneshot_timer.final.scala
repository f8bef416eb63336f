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
  val last = count === 0.U
  val doneReg = RegInit(false.B)
  when(io.start) { count := Mux(last, 0.U, count + 1.U) }
  when(io.start && last) { doneReg := true.B }
  when(!io.start && !last) { count := count - 1.U }

  io.busy  := count != 0.U
  io.done  := doneReg
  io.remaining := count

  // Verilog output
  io.ioa := UInt(8.W)
  io.iob := UInt(8.W)
}
