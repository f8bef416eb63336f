import chisel3._
import chisel3.util._

class ShiftReg4stage(in: Bool, n: Int = 4) extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val count = Output(UInt(n.W))
  })
  val reg1 = RegInit(0.U(n.W))
  val reg2 = RegInit(0.U(n.W))
  val reg3 = RegInit(0.U(n.W))
  val reg4 = RegInit(0.U(n.W))
  when(io.in) {
    reg1 := reg2
    reg2 := reg3
    reg3 := reg4
    reg4 := reg1.asUInt + 1.U
  }
  io.count := reg4
}
