import chisel3._
import chisel3.util._

class FSMOnOff extends Module {
  val io = IO(new Bundle {
    val toggle = Input(Bool())
    val state = Output(UInt(1.W))
  })

  val sOff :: sOn :: Nil = Enum(2)
  val stateReg = RegInit(sOff)

  switch(stateReg) {
    is(sOff)  { when(io.toggle) { stateReg := sOn } }
    is(sOn)   { when(io.toggle) { stateReg := sOff } }
  }
  io.state := stateReg
}
